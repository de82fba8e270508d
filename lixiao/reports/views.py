from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from lixiao.accounts import access
from lixiao.clearance.models import Campaign
from lixiao.clearance.selectors import current_campaign
from lixiao.reports import exports, selectors
from lixiao.reports import prep as prep_selectors


def _scope(request):
    categories = access.report_categories(request.user)
    if not categories:
        raise Http404
    campaign = current_campaign(request.GET.get("campaign"))
    if campaign is None:
        raise Http404
    return campaign, categories


@login_required
def overview(request):
    campaign, categories = _scope(request)
    ctx = {"campaign": campaign, "categories": categories, "campaigns": Campaign.objects.all()[:20]}
    ctx.update(selectors.overview(campaign, categories))
    template = "reports/_numbers.html" if request.headers.get("HX-Request") else "reports/overview.html"
    return render(request, template, ctx)


@login_required
def export_tasks(request, fmt):
    campaign, categories = _scope(request)
    name = f"lixiao-{campaign.code}-tasks"
    if fmt == "csv":
        resp = StreamingHttpResponse(exports.csv_chunks(campaign, categories), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return resp
    if fmt == "xlsx":
        resp = HttpResponse(
            exports.xlsx_bytes(campaign, categories),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        resp["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return resp
    raise Http404


@login_required
def prep(request):
    """Before launch: what each department still has to prepare, and the launch's dry run."""
    categories = access.report_categories(request.user)
    scopes = access.desk_scopes(request.user)
    departments = prep_selectors.visible_departments(request.user, scopes, categories)
    if not categories and not departments:
        raise Http404
    campaign = current_campaign(request.GET.get("campaign"))
    if campaign is None:
        raise Http404
    if not categories:  # a department sees its own items for every category of the campaign
        categories = list(campaign.categories.all())
    ctx = {"campaign": campaign, "campaigns": Campaign.objects.all()[:20], "office": departments is None}
    ctx.update(prep_selectors.readiness(campaign, categories, departments))
    return render(request, "reports/prep.html", ctx)
