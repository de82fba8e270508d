"""The certificate desk at the managing office, the clearance form (PDF) and its public verification.

Thin: parse what was typed, ask access.py and selectors.py, call services.collect_certificates, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_POST

from lixiao.certificates import access, selectors, services
from lixiao.certificates.clearance_form import form_token, render_form, shanghai
from lixiao.certificates.models import Collection
from lixiao.clearance.errors import ClearanceError
from lixiao.clearance.selectors import current_campaign

FORM_FIELDS = [
    "id_type",
    "id_last4",
    "identity_checked",
    "collector",
    "proxy_name",
    "proxy_relation",
    "proxy_id_no",
]


@login_required
def index(request):
    offices = access.offices_for_user(request.user)
    if not offices:
        raise Http404
    if len(offices) == 1:
        return redirect("certificates:office", office_id=offices[0].pk)
    return render(request, "certificates/index.html", {"offices": offices})


def _campaign(request):
    campaign = current_campaign(request.GET.get("campaign") or request.POST.get("campaign"))
    if campaign is None:
        raise Http404
    return campaign


def _office_page(request, office, campaign, *, student=None, error="", form=None):
    q = request.GET.get("q", "").strip()
    lookup = selectors.Lookup(student=student)
    if student is None:
        lookup = selectors.lookup(office, q=q, student_no=request.GET.get("student", ""))
    return render(
        request,
        "certificates/office.html",
        {
            "office": office,
            "campaign": campaign,
            "q": q,
            "lookup": lookup,
            "student": lookup.student,
            "desk": selectors.office_desk(office, campaign, lookup.student) if lookup.student else None,
            "recent": selectors.recent_collections(office, campaign),
            "error": error,
            "form": form or {},
            "id_types": Collection.IdType.choices,
        },
    )


@login_required
@require_GET
def office(request, office_id):
    office = access.office_for_user(request.user, office_id)
    return _office_page(request, office, _campaign(request))


@login_required
@require_POST
def collect(request, office_id, task_id):
    office = access.office_for_user(request.user, office_id)
    task = access.collection_task_for_user(request.user, office, task_id)
    data = request.POST
    proxy = None
    if data.get("collector") == Collection.Method.PROXY:
        proxy = services.ProxyAuthorisation(
            name=data.get("proxy_name", ""),
            relation=data.get("proxy_relation", ""),
            id_no=data.get("proxy_id_no", ""),
            letter=request.FILES.get("letter"),
        )
    try:
        result = services.collect_certificates(
            task=task,
            actor=request.user,
            identity_checked=data.get("identity_checked") == "on",
            id_type=data.get("id_type", ""),
            id_last4=data.get("id_last4", ""),
            proxy=proxy,
        )
    except ClearanceError as exc:
        form = {k: data.get(k, "") for k in FORM_FIELDS}
        return _office_page(
            request, office, task.case.campaign, student=task.case.student, error=exc.message, form=form
        )
    (messages.success if result.changed else messages.info)(request, result.message)
    url = reverse("certificates:office", kwargs={"office_id": office.pk})
    return redirect(
        f"{url}?{urlencode({'campaign': task.case.campaign.code, 'student': task.case.student.student_no})}"
    )


@login_required
@require_GET
def letter(request, collection_id):
    collection = access.collection_for_user(request.user, collection_id)
    if not collection.letter:
        raise Http404
    response = FileResponse(collection.letter.open("rb"), content_type=collection.letter_content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def form_pdf(request, case_id):
    case = access.form_case_for_user(request.user, case_id)
    state = selectors.case_state(case)
    now = timezone.now()
    verify_url = request.build_absolute_uri(reverse("verify_form", kwargs={"token": form_token(case, issued_at=now)}))
    pdf = render_form(
        case=case,
        tasks=state["tasks"],
        progress=state["progress"],
        collection=state["collection"],
        verify_url=verify_url,
        generated_at=now,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"clearance-form-{case.student.student_no}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def verify(request, token):
    """Public: anyone holding a form may check it. Shows the name, the number and the state now, nothing else."""
    found = selectors.verification(token)
    if found is None:
        response = render(request, "certificates/verify.html", {"valid": False}, status=404)
    else:
        response = render(
            request, "certificates/verify.html", {"valid": True, "now": shanghai(timezone.now()), **found}
        )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
