"""Forms of the publishing pages; services do the real checking and cleaning."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from publishing.models import DEFAULT_ACCENT_COLOUR, DEFAULT_PRIMARY_COLOUR, Category

IMAGE_ACCEPT = ".jpg,.jpeg,.png,.webp,.gif"
VIDEO_ACCEPT = ".mp4,.webm"


class RichTextarea(forms.Textarea):
    """A textarea that static/js/richtext.js turns into the editor (and that works without it)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-richtext": "", "rows": 16, **(attrs or {})})


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=pgettext_lazy("publishing", "Summary"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(
        label=pgettext_lazy("publishing", "Category"), choices=Category.choices, initial=Category.OTHER
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=300, help_text=_("Separate tags with commas or spaces.")
    )
    body = forms.CharField(label=pgettext_lazy("publishing", "Text"), required=False, widget=RichTextarea())
    cover_file = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )


class VideoForm(ArticleForm):
    video_file = forms.FileField(
        label=_("Video (MP4 or WebM)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": VIDEO_ACCEPT}),
    )
    poster_file = forms.FileField(
        label=_("Poster image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(
        label=_("Web address"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens, e.g. branch-a1."),
    )
    introduction = forms.CharField(label=_("Introduction"), required=False, widget=RichTextarea({"rows": 6}))
    primary_colour = forms.CharField(
        label=_("Main colour"),
        initial=DEFAULT_PRIMARY_COLOUR,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        initial=DEFAULT_ACCENT_COLOUR,
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    logo_file = forms.FileField(
        label=_("Logo"), required=False, widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("publishing", "Decision"),
        choices=[("approve", pgettext_lazy("publishing", "Approve")), ("return", _("Return to the author"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or comment"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you return the article."),
    )
    level = forms.IntegerField(widget=forms.HiddenInput, required=False)
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def timezone_name(self) -> str:
        return str(timezone.get_current_timezone())


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
