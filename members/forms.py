from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from members.models import User


class SignupDetailsForm(forms.Form):
    """The extra field allauth's sign-up asks for: the person's name."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
