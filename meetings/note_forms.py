"""Forms for round-table notes: the shape of the input only; rules live in meetings.notes."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from meetings.notes import ActionItem, TextItem
from members.models import Organisation


class NoteForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for all members (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shared with every member once staff publish it. Record points, not speakers."),
    )
    body = forms.CharField(
        label=_("Full record (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_(
            "Read by the table's participants and staff only. Record points, not speakers."
        ),
    )
    sign_summary = forms.BooleanField(
        label=_("Sign the summary with my name"),
        required=False,
        help_text=_("Off by default: notes are not attributed."),
    )

    def __init__(self, *args: object, may_sign: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not may_sign:
            del self.fields["sign_summary"]


class TextItemForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Text"), max_length=500, required=False)


class ActionItemForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label=_("What"), max_length=500, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Which organisation"), queryset=Organisation.objects.none(), required=False
    )
    due_on = forms.DateField(
        label=_("By when"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: object, organisations: QuerySet[Organisation] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations

    def clean(self) -> dict:
        cleaned = super().clean()
        has_details = cleaned.get("organisation") or cleaned.get("due_on")
        if not cleaned.get("description") and has_details:
            self.add_error("description", _("Say what the action is."))
        return cleaned


TextItemFormSet = forms.formset_factory(TextItemForm, extra=2, can_delete=True, max_num=50)
ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=2, can_delete=True, max_num=50)


def text_items_initial(rows: QuerySet) -> list[dict]:
    """Formset initial data from key points or recommendations."""
    return [{"pk": row.pk, "text": row.text} for row in rows]


def action_items_initial(rows: QuerySet) -> list[dict]:
    """Formset initial data from agreed actions."""
    return [
        {
            "pk": row.pk,
            "description": row.description,
            "organisation": row.organisation_id,
            "due_on": row.due_on,
        }
        for row in rows
    ]


def text_items_from(formset: forms.BaseFormSet) -> list[TextItem]:
    """The non-empty, non-deleted rows of a valid key point or recommendation formset."""
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("text", "").strip():
            continue
        items.append(TextItem(text=data["text"].strip(), pk=data.get("pk")))
    return items


def action_items_from(formset: forms.BaseFormSet) -> list[ActionItem]:
    """The non-empty, non-deleted rows of a valid action formset."""
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not data.get("description", "").strip():
            continue
        items.append(
            ActionItem(
                description=data["description"].strip(),
                organisation=data.get("organisation"),
                due_on=data.get("due_on"),
                pk=data.get("pk"),
            )
        )
    return items
