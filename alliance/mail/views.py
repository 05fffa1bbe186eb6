from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alliance.mail import services
from alliance.mail.unsubscribe import read_unsubscribe_token


# No login: the link must work from any mail client, signed in or not; the signed token in
# the URL is the proof that the person received the email.
# No CSRF token: under RFC 8058 the mail provider POSTs "List-Unsubscribe=One-Click" to this
# URL itself, with no cookie and no form token. A forged cross-site POST would need the signed
# token, and all it could do is what the token's owner asked for: stop one kind of email.
@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation (link scanners must not unsubscribe); POST unsubscribes."""
    target = read_unsubscribe_token(token)
    if target is None:
        return render(request, "mail/unsubscribe_invalid.html", status=400)
    user, mailing_list = target
    with translation.override(user.preferred_language):
        context = {"mailing_list": mailing_list, "list_name": mailing_list.label}
        if request.method == "POST":
            services.unsubscribe(user=user, mailing_list=mailing_list)
            return render(request, "mail/unsubscribe_done.html", context)
        return render(request, "mail/unsubscribe_confirm.html", context)
