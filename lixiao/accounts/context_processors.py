from lixiao.accounts import access
from lixiao.certificates import access as certificate_access


def roles(request):
    """What the navigation offers this user."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_desks": access.desk_scopes(user),
        "nav_review_departments": access.review_departments(user),
        "nav_certificates": bool(certificate_access.offices_for_user(user)),
        "nav_reports": access.can(user, "reports.view"),
        "nav_student": access.student_for_user(user) is not None,
        "nav_lists": access.can(user, "lists.upload"),
        "nav_roster": access.can(user, "roster.import"),
        "nav_office": bool(access.office_categories(user)),
    }
