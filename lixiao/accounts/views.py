from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from lixiao.accounts import access


@login_required
def home(request):
    """Send each person to their own page: a student to their progress, a clerk to their desk, an office to the
    overview. Someone with no role here gets a plain explanation, not an error."""
    user = request.user
    if access.student_for_user(user):
        return redirect("portal:home")
    if access.can(user, "reports.view"):
        return redirect("reports:overview")
    scopes = access.desk_scopes(user)
    if scopes:
        return redirect("desk:counter", scope=scopes[0].key)
    return render(request, "accounts/no_role.html", status=403)
