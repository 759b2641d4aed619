"""Pages of moderation: the review queue, an item with its decision log, and the lexicon."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from accounts.http import AuthedRequest
from core.errors import DomainError, FieldErrors
from core.permissions import require
from moderation import capabilities as caps
from moderation import queries, services
from moderation.forms import (
    DecisionForm,
    LexiconEntryChangeForm,
    LexiconEntryForm,
    LexiconFilterForm,
    LexiconImportForm,
)
from moderation.models import Category, Decision, ItemStatus, LexiconEntry, ModerationItem
from moderation.permissions import can_manage_lexicon, can_review, root_unit
from orgs.models import OrgUnit

QUEUE_PAGE_SIZE = 20
LEXICON_PAGE_SIZE = 50


def highlight(text: str, hits: list[dict[str, Any]]) -> SafeString:
    """The text, escaped, with every hit wrapped in ``<mark>`` (overlapping hits merged)."""
    spans: list[list[Any]] = []
    for hit in sorted(hits, key=lambda hit: (int(hit["start"]), int(hit["end"]))):
        start, end = max(0, int(hit["start"])), min(len(text), int(hit["end"]))
        if start >= end:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
            spans[-1][2].add(str(hit.get("category", "")))
        else:
            spans.append([start, end, {str(hit.get("category", ""))}])
    parts: list[str] = []
    position = 0
    for start, end, categories in spans:
        labels = ", ".join(
            str(Category(code).label) if code in Category.values else code for code in sorted(categories)
        )
        parts.append(escape(text[position:start]))
        parts.append(format_html('<mark title="{}">{}</mark>', labels, text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308  (every piece above is escaped)


def _with_highlights(items: list[ModerationItem]) -> list[ModerationItem]:
    for item in items:
        item.highlighted = highlight(item.text, item.hits or [])  # type: ignore[attr-defined]
    return items


def _messages_of(exc: FieldErrors | DomainError) -> list[str]:
    if isinstance(exc, DomainError):
        return [str(exc.message)]
    return [message for messages_ in exc.fields.values() for message in messages_]


def _add_errors(form: Any, exc: FieldErrors | DomainError) -> None:
    if isinstance(exc, DomainError):
        form.add_error(None, str(exc.message))
        return
    for name, errors in exc.fields.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


def _without_page(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _unit_or_404(unit_id: int) -> OrgUnit:
    return get_object_or_404(OrgUnit, pk=unit_id)


def _item_unit(item: ModerationItem) -> OrgUnit:
    unit = item.unit if item.unit is not None else root_unit()
    if unit is None:
        raise Http404
    return unit


# --- Index --------------------------------------------------------------------------------------


@login_required
@require_safe
def index(request: AuthedRequest) -> HttpResponse:
    """The units where the person reviews text or keeps the lexicon, with what waits in each."""
    units = queries.moderation_units_for(request.user)
    if not units:
        raise Http404
    rows = [
        {
            "unit": unit,
            "can_review": can_review(request.user, unit),
            "can_manage": can_manage_lexicon(request.user, unit),
            "pending": queries.pending_count(unit) if can_review(request.user, unit) else None,
        }
        for unit in units
    ]
    return render(request, "moderation/index.html", {"rows": rows})


# --- The review queue ---------------------------------------------------------------------------


def _status_tabs(current: str) -> list[dict[str, Any]]:
    return [
        {"value": status.value, "label": status.label, "current": status.value == current}
        for status in ItemStatus
    ]


@login_required
@require_safe
@vary_on_headers("HX-Request")
def queue(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Text waiting for review in the unit and below, oldest first, hits highlighted."""
    unit = _unit_or_404(unit_id)
    require(request.user, caps.REVIEW, unit)
    status = request.GET.get("status") or ItemStatus.PENDING
    if status not in ItemStatus.values:
        status = ItemStatus.PENDING
    page = Paginator(queries.review_queue(unit, status=status), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "unit": unit,
        "page": page,
        "items": _with_highlights(list(page.object_list)),
        "status": status,
        "tabs": _status_tabs(status),
        "decisions": Decision.choices,
        "form": DecisionForm(),
    }
    template = "moderation/queue.html#queue" if request.htmx else "moderation/queue.html"
    return render(request, template, context)


@login_required
@require_safe
def item(request: AuthedRequest, item_id: int) -> HttpResponse:
    """One item: its text with the hits highlighted, its reports and its decision log."""
    found = queries.item_get(item_id)
    require(request.user, caps.REVIEW, _item_unit(found))
    return _render_item(request, found, DecisionForm())


def _render_item(
    request: AuthedRequest, found: ModerationItem, form: DecisionForm, status: int = 200
) -> HttpResponse:
    context = {
        "item": _with_highlights([found])[0],
        "decisions_log": queries.item_decisions(found),
        "reports": queries.item_reports(found),
        "form": form,
        "decisions": Decision.choices,
        "queue_unit": _item_unit(found),
    }
    return render(request, "moderation/item.html", context, status=status)


@login_required
@require_POST
def decide(request: AuthedRequest, item_id: int) -> HttpResponse:
    """Record a moderator's decision on an item (approve, reject or hide, with a reason)."""
    found = queries.item_get(item_id)
    require(request.user, caps.REVIEW, _item_unit(found))
    form = DecisionForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.item_decide(
                actor=request.user,
                item=found,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except (FieldErrors, DomainError) as exc:
            _add_errors(form, exc)
            errors = _messages_of(exc)
    else:
        errors = [str(error) for errors_ in form.errors.values() for error in errors_]
    notice = (
        "" if errors else _("Your decision is recorded: %(status)s.") % {"status": found.get_status_display()}
    )
    if request.htmx:
        context = {
            "item": _with_highlights([found])[0],
            "form": form,
            "form_item": found.pk,
            "decisions": Decision.choices,
            "notice": notice,
        }
        return render(request, "moderation/queue.html#item_card", context)
    if errors:
        return _render_item(request, found, form, status=400)
    messages.success(request, notice)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("moderation:item", item_id=found.pk)


# --- The lexicon --------------------------------------------------------------------------------


@login_required
@require_safe
def lexicon_home(request: AuthedRequest) -> HttpResponse:
    """The lexicon of the highest unit where the person keeps it."""
    units = queries.lexicon_units_for(request.user)
    if not units:
        raise Http404
    return redirect("moderation:lexicon", unit_id=units[0].pk)


def _render_lexicon(
    request: AuthedRequest,
    unit: OrgUnit,
    *,
    form: LexiconEntryForm | None = None,
    import_form: LexiconImportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    filters = LexiconFilterForm(request.GET or None)
    entries = queries.lexicon_for(
        unit,
        search=filters.value("q"),
        category=filters.value("category"),
        action=filters.value("action"),
        active=filters.value("active"),
    )
    page = Paginator(entries, LEXICON_PAGE_SIZE).get_page(request.GET.get("page"))
    root = unit if unit.depth == 1 else root_unit()
    university_ok = root is not None and can_manage_lexicon(request.user, root)
    rows = [
        {"entry": entry, "editable": _may_edit(request, entry, university_ok)} for entry in page.object_list
    ]
    context = {
        "unit": unit,
        "is_university": unit.depth == 1,
        "filters": filters,
        "page": page,
        "rows": rows,
        "form": form or LexiconEntryForm(),
        "import_form": import_form or LexiconImportForm(),
        "version": queries.lexicon_version(),
        "query": _without_page(request),
    }
    template = (
        "moderation/lexicon.html#results"
        if request.htmx and request.method == "GET"
        else "moderation/lexicon.html"
    )
    return render(request, template, context, status=status)


def _may_edit(request: AuthedRequest, entry: LexiconEntry, university_ok: bool) -> bool:
    if entry.unit is None:
        return university_ok
    return can_manage_lexicon(request.user, entry.unit)  # from the person's grants: no query


def _scope_of(unit: OrgUnit) -> OrgUnit | None:
    """The scope given to entries added on ``unit``'s page: the university's page adds
    university-wide entries."""
    return None if unit.depth == 1 else unit


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def lexicon(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """The lexicon in effect in a unit, searchable and filterable, with a form to add a term."""
    unit = _unit_or_404(unit_id)
    require(request.user, caps.MANAGE_LEXICON, unit)
    if request.method != "POST":
        return _render_lexicon(request, unit)
    form = LexiconEntryForm(request.POST)
    if form.is_valid():
        try:
            entry = services.lexicon_entry_create(
                actor=request.user, unit=_scope_of(unit), **form.cleaned_data
            )
        except FieldErrors as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("“%(term)s” is added to the lexicon.") % {"term": entry.term})
            return redirect("moderation:lexicon", unit_id=unit.pk)
    return _render_lexicon(request, unit, form=form, status=400)


@login_required
@require_POST
def lexicon_import(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Add many terms at once, one per line, with one category and action."""
    unit = _unit_or_404(unit_id)
    require(request.user, caps.MANAGE_LEXICON, unit)
    form = LexiconImportForm(request.POST)
    if form.is_valid():
        try:
            outcome = services.lexicon_entries_import(
                actor=request.user, unit=_scope_of(unit), **form.cleaned_data
            )
        except FieldErrors as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(count)d terms added.") % {"count": len(outcome.added)})
            for term, why in outcome.skipped[:20]:
                messages.warning(request, _("Skipped “%(term)s”: %(reason)s") % {"term": term, "reason": why})
            return redirect("moderation:lexicon", unit_id=unit.pk)
    return _render_lexicon(request, unit, import_form=form, status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def lexicon_entry(request: AuthedRequest, entry_id: int) -> HttpResponse:
    """Change one entry's category, action or note, or switch it off."""
    entry = queries.entry_get(entry_id)
    scope = entry.unit if entry.unit is not None else root_unit()
    if scope is None:
        raise Http404
    require(request.user, caps.MANAGE_LEXICON, scope)
    if request.method == "POST":
        form = LexiconEntryChangeForm(request.POST)
        if form.is_valid():
            try:
                services.lexicon_entry_update(actor=request.user, entry=entry, **form.cleaned_data)
            except FieldErrors as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("“%(term)s” is saved.") % {"term": entry.term})
                return redirect("moderation:lexicon", unit_id=scope.pk)
        status = 400
    else:
        form = LexiconEntryChangeForm(
            initial={
                "category": entry.category,
                "action": entry.action,
                "is_active": entry.is_active,
                "note": entry.note,
            }
        )
        status = 200
    return render(
        request,
        "moderation/lexicon_entry.html",
        {"entry": entry, "form": form, "scope": scope},
        status=status,
    )
