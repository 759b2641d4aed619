"""The branch's one-on-one talks (谈心谈话): this year's talks, who has had none, and recording one.

Only holders of ``orglife.record_talks`` over the branch (its committee and higher committees) open
this page, so the summaries stay with the committee; out of scope 404, without the right 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthedRequest
from accounts.models import User
from core.errors import DomainError, FieldErrors
from core.permissions import require
from orglife import capabilities as caps
from orglife import queries_evaluation, services_talks
from orglife.forms_compliance import TalkForm, add_field_errors
from orglife.permissions_evaluation import can_run_evaluations
from orglife.views_compliance import breadcrumb
from orgs import queries as org_queries
from orgs.models import UnitKind

TALKS_PAGE_SIZE = getattr(settings, "ORGLIFE_TALKS_PAGE_SIZE", 50)


def _year(raw: str | None) -> int:
    today = timezone.localdate()
    try:
        year = int(raw or today.year)
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year else today.year


@login_required
@require_http_methods(["GET", "POST"])
def talks(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The talks of a year, the members without one, and the form to record a talk."""
    branch = org_queries.unit_get(unit_id)
    require(request.user, caps.RECORD_TALKS, branch)
    if branch.kind != UnitKind.BRANCH:
        raise Http404
    year = _year(request.GET.get("year"))
    members = list(queries_evaluation.members_of_branch(branch))
    choices = [(m.person_id, f"{m.person.name} ({m.person.number})") for m in members]
    form = TalkForm(request.POST or None, members=choices)
    if request.method == "POST" and form.is_valid():
        person = next((m.person for m in members if m.person_id == form.cleaned_data["person"]), None)
        try:
            if person is None:
                raise FieldErrors.single("person", _("Choose a full or probationary member of this branch."))
            services_talks.talk_record(
                actor=request.user,
                branch=branch,
                person=person,
                talked_on=form.cleaned_data["talked_on"],
                topic=form.cleaned_data["topic"],
                summary=form.cleaned_data["summary"],
            )
        except FieldErrors as error:
            add_field_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The talk with %(person)s was recorded.") % {"person": person.name})
            return redirect("orglife:talks", branch.pk)
    page = Paginator(queries_evaluation.talks_of(branch, year), TALKS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    without: list[User] = [m.person for m in queries_evaluation.members_without_talk(branch, year)]
    fragment = request.method == "GET" and bool(request.htmx) and not request.htmx.history_restore_request
    response = render(
        request,
        "orglife/talks.html#results" if fragment else "orglife/talks.html",
        {
            "unit": branch,
            "year": year,
            "page": page,
            "query": f"year={year}",
            "without": without,
            "member_count": len(members),
            "form": form,
            "breadcrumb": breadcrumb(request.user, branch),
            "may_run_evaluations": can_run_evaluations(request.user, branch),
            "may_record_talks": True,
        },
        status=400 if request.method == "POST" else 200,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
