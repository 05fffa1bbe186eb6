"""The organisation admin: import with a dry-run preview, export with formulae escaped, and
an audit trail of who changed what."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from members.admin import OrganisationResource, escape_formula
from members.models import Membership, Organisation, Sector
from tests.conftest import login_client
from tests.factories import MembershipFactory, OrganisationFactory

CSV = (
    "slug,name_en,name_ar,name_he,community,country,city,sectors,description,website,"
    "founded_year,status,joined_on,visibility\n"
    "harbour-lights,Harbour Lights,,,joint,Israel,Haifa,education,Boats and schools.,,2011,"
    "active,2024-05-01,listed\n"
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+972 2 555", "'+972 2 555"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Plain name", "Plain name"),
        (2011, 2011),
    ],
)
def test_formula_cells_are_escaped(value: object, expected: object) -> None:
    assert escape_formula(value) == expected


@pytest.mark.django_db
def test_exported_rows_never_start_a_formula() -> None:
    Sector.objects.get_or_create(slug="education", defaults={"name_en": "Education"})
    OrganisationFactory(
        name_en="=cmd|' /C calc'!A0", city="@home", description="-minus", slug="evil"
    )
    dataset = OrganisationResource().export()
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["name_en"] == "'=cmd|' /C calc'!A0"
    assert row["city"] == "'@home"
    assert row["description"] == "'-minus"
    workbook = load_workbook(io.BytesIO(dataset.export("xlsx")))
    cells = [cell.value for cell in workbook.active[2]]
    assert "'=cmd|' /C calc'!A0" in cells
    assert not any(isinstance(cell, str) and cell.startswith("=") for cell in cells)


@pytest.mark.django_db
def test_import_shows_a_dry_run_preview_before_anything_changes(admin_user) -> None:
    Sector.objects.get_or_create(slug="education", defaults={"name_en": "Education"})
    client = login_client(admin_user)
    upload = io.BytesIO(CSV.encode())
    upload.name = "organisations.csv"
    preview = client.post(
        reverse("admin:members_organisation_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert preview.status_code == 200
    assert "Harbour Lights" in preview.content.decode()
    assert not Organisation.objects.filter(slug="harbour-lights").exists()  # only a preview

    confirm = preview.context["confirm_form"]
    done = client.post(
        reverse("admin:members_organisation_process_import"),
        {name: confirm.initial.get(name, "") for name in confirm.fields},
    )
    assert done.status_code == 302
    organisation = Organisation.objects.get(slug="harbour-lights")
    assert list(organisation.sectors.values_list("slug", flat=True)) == ["education"]
    records = organisation.history.order_by("history_date")
    assert records[0].history_type == "+"
    assert {record.history_user for record in records} == {admin_user}


@pytest.mark.django_db
def test_changes_keep_an_audit_trail_visible_to_admins(admin_user, organisation) -> None:
    client = login_client(admin_user)
    membership = MembershipFactory(organisation=organisation)
    organisation.status = Organisation.Status.LAPSED
    organisation.save()
    Membership.objects.filter(pk=membership.pk).get().delete()
    assert [r.status for r in organisation.history.order_by("history_date")] == [
        "active",
        "lapsed",
    ]
    assert membership.history.filter(history_type="-").exists()
    page = client.get(reverse("admin:members_organisation_history", args=[organisation.pk]))
    assert page.status_code == 200
    assert "lapsed" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "admin:members_organisation_changelist",
        "admin:members_membership_changelist",
        "admin:members_invitation_changelist",
        "admin:members_user_changelist",
        "admin:members_deletionrequest_changelist",
        "admin:members_sector_changelist",
    ],
)
def test_admin_pages_open_for_staff(staff, organisation, name: str) -> None:
    response = login_client(staff).get(reverse(name), {"q": "olive"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_staff_cannot_give_themselves_roles_in_the_admin(staff) -> None:
    page = login_client(staff).get(reverse("admin:members_user_change", args=[staff.pk]))
    html = page.content.decode()
    assert 'name="is_superuser"' not in html
    assert 'name="groups"' not in html


def _image_upload(image_format: str, name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "navy").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.mark.django_db
@pytest.mark.parametrize(("image_format", "name"), [("PNG", "logo.png"), ("JPEG", "logo.jpg")])
def test_a_logo_in_a_raster_format_is_accepted(organisation, image_format, name) -> None:
    organisation.logo = _image_upload(image_format, name)
    organisation.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            "PNG, JPEG or WebP",
        ),
        (SimpleUploadedFile("logo.png", b"not an image at all"), "PNG, JPEG or WebP"),
        ("gif", "PNG, JPEG or WebP"),
        ("huge", "too large"),
    ],
)
def test_a_logo_of_another_type_or_too_large_is_refused(organisation, upload, message) -> None:
    if upload == "gif":
        upload = _image_upload("GIF", "logo.gif")
    elif upload == "huge":
        upload = SimpleUploadedFile(
            "logo.png", _image_upload("PNG", "x.png").read() + b"\0" * (3 << 20)
        )
    organisation.logo = upload
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert message in str(error.value)


@pytest.mark.django_db
def test_a_logo_is_served_as_a_picture_whatever_its_upload_name(
    organisation, member, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    organisation.logo = _image_upload("PNG", "innocent.html")
    organisation.full_clean()
    organisation.save()
    assert organisation.logo.name.endswith(".img")
    response = login_client(member).get(
        reverse("members:organisation_logo", args=[organisation.slug])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_organisation_changelist_pages_by_fifty_with_djangos_action_checkboxes(
    admin_user,
) -> None:
    from django.contrib import admin
    from django.contrib.admin.options import ModelAdmin

    OrganisationFactory.create_batch(54)
    awkward = OrganisationFactory(name_en='Tom & "Jerry" <b>')
    response = login_client(admin_user).get(reverse("admin:members_organisation_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('name="_selected_action"') == 50
    assert 'id="action-toggle"' in html
    organisation_admin = admin.site._registry[Organisation]
    assert organisation_admin.action_checkbox(awkward) == ModelAdmin.action_checkbox(
        organisation_admin, awkward
    )
