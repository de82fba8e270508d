from django import forms
from django.utils.translation import gettext_lazy as _

from lixiao.clearance.models import Campaign

# One message for a missing or empty file: these, not Django's own next to lixiao.imports.services.upload_problem's.
FILE_ERRORS = {"required": _("Choose a file to upload."), "empty": _("The file is empty.")}


class RosterUploadForm(forms.Form):
    # Students join a rolling campaign by applying, never by a roster.
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.filter(kind=Campaign.Kind.BATCH))
    file = forms.FileField(label=_("Roster file (.xlsx, .xls, .csv or .txt)"), error_messages=FILE_ERRORS)


class ListUploadForm(forms.Form):
    MODES = [
        ("replace", _("Replace: the file is the whole list; students not in it are released")),
        ("append", _("Append: add the students in the file; release nobody")),
    ]

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.all())
    mode = forms.ChoiceField(label=_("Mode"), choices=MODES, initial="replace")
    file = forms.FileField(label=_("List file (.xlsx, .xls, .csv or .txt)"), error_messages=FILE_ERRORS)
