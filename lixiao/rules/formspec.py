"""Self-service items carry a small form, configured as data (Item.form_fields). This turns the configuration
into a Django form for the student and checks answers the same way for every door."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

FIELD_TYPES = {"text", "choice", "phone", "date"}
MAX_TEXT = 200


def _label(spec):
    if (get_language() or "").startswith("en") and spec.get("label_en"):
        return spec["label_en"]
    return spec.get("label") or spec["name"]


def _field(spec):
    kind = spec.get("type", "text")
    required = bool(spec.get("required", True))
    label = _label(spec)
    if kind == "choice":
        choices = [(c, c) for c in spec.get("choices", [])]
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=[("", "—"), *choices],
            error_messages={"invalid_choice": _("Choose one of the options.")},
        )
    if kind == "phone":
        return forms.RegexField(
            label=label,
            required=required,
            regex=r"^\+?[0-9][0-9 -]{5,19}$",
            error_messages={"invalid": _("Enter a phone number of digits, like 13800138000.")},
            widget=forms.TextInput(attrs={"inputmode": "tel"}),
        )
    if kind == "date":
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    return forms.CharField(label=label, required=required, max_length=MAX_TEXT)


def check_spec(fields):
    """Raise ValueError for a configuration the form cannot be built from (the admin shows it)."""
    if not isinstance(fields, list):
        raise ValueError(_("form fields must be a list"))
    names = set()
    for spec in fields:
        if not isinstance(spec, dict) or not spec.get("name"):
            raise ValueError(_("every field needs a name"))
        if spec.get("type", "text") not in FIELD_TYPES:
            raise ValueError(_("unknown field type %(type)s") % {"type": repr(spec.get("type"))})
        if spec["name"] in names:
            raise ValueError(_("field %(name)s appears twice") % {"name": repr(spec["name"])})
        names.add(spec["name"])


def item_form(item, data=None, initial=None):
    """A Django form for the item's configured fields."""
    form = forms.Form(data=data, initial=initial)
    for spec in item.form_fields or []:
        form.fields[spec["name"]] = _field(spec)
    return form


def clean_answers(item, data):
    """(answers as JSON-able dict, errors dict) for submitted data."""
    form = item_form(item, data=data)
    if not form.is_valid():
        return None, {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in form.cleaned_data.items()}, {}


def answer_rows(item, answers):
    """[(label, answer)] in the configured order, for showing a submission."""
    return [(_label(spec), answers.get(spec["name"], "")) for spec in item.form_fields or []]
