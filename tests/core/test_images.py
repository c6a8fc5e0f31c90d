"""Photos and logos: checked with Pillow, stored without metadata, shown as renditions."""

import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from core.images import RenditionSpec, load_image, render
from people.models import Person
from projects.models import Organisation

from tests.admin_forms import change_form_data
from tests.media_builders import files_under, image_bytes, jpeg_with_exif, png_claiming, upload

pytestmark = pytest.mark.django_db


def open_stored(name):
    with default_storage.open(name) as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


# --- load_image: refusals ---------------------------------------------------------------


def test_a_text_file_renamed_jpg_is_refused():
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("portrait.jpg", b"Das ist kein Bild.\n" * 30, "image/jpeg"))
    assert refusal.value.code == "not_an_image"
    assert "kein Bild im Format JPEG, PNG oder WebP" in refusal.value.messages[0]


def test_a_pdf_renamed_jpg_is_refused():
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("portrait.jpg", b"%PDF-1.7\n%%EOF\n", "image/jpeg"))
    assert refusal.value.code == "not_an_image"


def test_a_gif_is_refused_as_an_unsupported_format():
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("logo.gif", image_bytes("GIF", mode="P")))
    assert refusal.value.code == "not_an_image"


def test_a_jpeg_header_on_garbage_is_refused():
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 100))
    assert refusal.value.code in {"corrupt", "not_an_image"}


def test_a_truncated_jpeg_is_refused():
    data = image_bytes("JPEG", size=(600, 400), quality=95)
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("foto.jpg", data[: len(data) // 2]))
    assert refusal.value.code == "corrupt"
    assert "beschädigt oder unvollständig" in refusal.value.messages[0]


def test_an_image_bomb_is_refused_before_decoding():
    bomb = png_claiming(100_000, 100_000)  # ten billion pixels in a 100-byte file
    assert len(bomb) < 200
    started = time.perf_counter()
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("bombe.png", bomb, "image/png"))
    assert time.perf_counter() - started < 1
    assert refusal.value.code == "too_many_pixels"
    assert "zu viele Pixel" in refusal.value.messages[0]


def test_the_pixel_limit_comes_from_the_settings(settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("gross.png", image_bytes("PNG", size=(200, 100))))
    assert refusal.value.code == "too_many_pixels"
    assert "200 \N{MULTIPLICATION SIGN} 100 Pixel" in refusal.value.messages[0]
    assert "10.000 Pixel" in refusal.value.messages[0]
    load_image(upload("klein.png", image_bytes("PNG", size=(100, 100))))  # at the limit


def test_an_oversized_file_is_refused(settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 1000
    data = image_bytes("JPEG", size=(400, 400), quality=100)
    assert len(data) > 1000
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("foto.jpg", data))
    assert refusal.value.code == "too_large"
    assert "erlaubt sind höchstens 1000" in refusal.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refusal:
        load_image(upload("leer.jpg", b""))
    assert refusal.value.code == "empty"


# --- load_image: what it hands on -------------------------------------------------------


def test_exif_rotation_is_applied_and_metadata_removed():
    original = Image.open(io.BytesIO(jpeg_with_exif(size=(400, 200), orientation=6)))
    assert original.getexif()[0x0112] == 6 and original.getexif().get_ifd(0x8825)

    image = load_image(upload("foto.jpg", jpeg_with_exif(size=(400, 200), orientation=6)))
    assert image.size == (200, 400)  # upright: portrait
    assert image.mode == "RGB"
    assert image.info == {}
    assert not image.getexif()
    # Orientation 6 turns the red left half to the top.
    red, green = image.getpixel((100, 50)), image.getpixel((100, 350))
    assert red[0] > 150 and red[1] < 80
    assert green[1] > 80 and green[0] < 80


def test_renditions_carry_no_metadata():
    image = load_image(upload("foto.jpg", jpeg_with_exif()))
    rendition = render(image, RenditionSpec(width=160, height=200))
    for data in (rendition.webp, rendition.fallback):
        assert b"Exif" not in data and b"Testkamera" not in data
        reopened = Image.open(io.BytesIO(data))
        assert not reopened.getexif()
        assert "icc_profile" not in reopened.info and "xmp" not in reopened.info


def test_a_large_photo_is_reduced_and_never_enlarged():
    spec = RenditionSpec(width=160, height=200)
    big = render(Image.new("RGB", (1000, 1250), "white"), spec)
    assert (big.width, big.height) == (160, 200)
    assert Image.open(io.BytesIO(big.webp)).size == (320, 400)
    assert Image.open(io.BytesIO(big.fallback)).format == "JPEG"
    small = render(Image.new("RGB", (100, 80), "white"), spec)
    assert (small.width, small.height) == (100, 80)
    assert Image.open(io.BytesIO(small.webp)).size == (100, 80)


def test_transparent_logos_keep_their_transparency():
    logo = load_image(upload("logo.png", image_bytes("PNG", mode="RGBA", color=(0, 0, 255, 0))))
    assert logo.mode == "RGBA"
    rendition = render(logo, RenditionSpec(width=240, height=96, fallback="PNG"))
    fallback = Image.open(io.BytesIO(rendition.fallback))
    assert fallback.format == "PNG" and fallback.mode == "RGBA"
    assert Image.open(io.BytesIO(rendition.webp)).mode == "RGBA"


def test_cmyk_and_16_bit_images_are_converted():
    assert (
        load_image(upload("cmyk.jpg", image_bytes("JPEG", mode="CMYK", color=(0, 0, 0, 0)))).mode
        == "RGB"
    )
    sixteen = io.BytesIO()
    Image.new("I;16", (50, 50), 40000).save(sixteen, "PNG")
    image = load_image(upload("grau.png", sixteen.getvalue()))
    assert image.mode == "RGB" and image.getpixel((1, 1))[0] == 40000 // 256


# --- Person photos ----------------------------------------------------------------------


@pytest.fixture
def person(db):
    return Person.objects.create(given_name="Julia", family_name="Alrutz", slug="julia-alrutz")


def test_a_photo_is_stored_upright_without_metadata_with_renditions(person, media_root):
    person.photo = upload("IMG_0001.JPG", jpeg_with_exif(size=(800, 400), orientation=6))
    person.full_clean()
    person.save()
    person.refresh_from_db()

    assert person.photo.name == "personen/original/julia-alrutz.jpg"
    assert person.photo_webp.name.startswith("personen/julia-alrutz-")
    assert person.photo_webp.name.endswith(".webp")
    assert person.photo_fallback.name.endswith(".jpg")
    assert (person.photo_width, person.photo_height) == (100, 200)  # fits 160 x 200
    for name in (person.photo.name, person.photo_webp.name, person.photo_fallback.name):
        image = open_stored(name)
        assert image.height > image.width  # the EXIF rotation was applied
        assert not image.getexif()
        with default_storage.open(name) as stored:
            data = stored.read()
        assert b"Testkamera" not in data
    assert open_stored(person.photo_webp.name).size == (200, 400)
    assert sorted(files_under(media_root)) == sorted(
        [person.photo.name, person.photo_webp.name, person.photo_fallback.name]
    )


def test_replacing_clearing_and_deleting_a_photo_remove_its_files(
    person, media_root, django_capture_on_commit_callbacks
):
    person.photo = upload("a.jpg", image_bytes("JPEG", size=(320, 400)))
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    first = files_under(media_root)
    assert len(first) == 3

    person.photo = upload("b.png", image_bytes("PNG", size=(640, 800), color=(0, 0, 200)))
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    second = files_under(media_root)
    assert len(second) == 3 and not set(first) & set(second)

    person.photo = ""
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    person.refresh_from_db()
    assert not person.photo and not person.photo_webp and person.photo_width is None
    assert files_under(media_root) == []

    person.photo = upload("c.jpg", image_bytes("JPEG"))
    with django_capture_on_commit_callbacks(execute=True):
        person.save()
    stored = files_under(media_root)
    assert len(stored) == 3
    with django_capture_on_commit_callbacks(execute=True):
        person.delete()
    # Deleted: kept aside for a restore from the history, at no address (test_kept_files).
    assert files_under(media_root) == sorted(f"aufbewahrt/{name}" for name in stored)


def test_saving_other_fields_leaves_the_photo_alone(person, media_root):
    person.photo = upload("a.jpg", image_bytes("JPEG"))
    person.save()
    before = files_under(media_root)
    person = Person.objects.get(pk=person.pk)
    person.affiliation = "HSU"
    person.full_clean()
    person.save()
    person.save(update_fields=["affiliation"])
    assert files_under(media_root) == before


def admin_person_data(admin_client, person):
    response = admin_client.get(reverse("admin:people_person_change", args=[person.pk]))
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "photo"}
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            value = management[name].value()
            data[f"{formset.formset.prefix}-{name}"] = "" if value is None else value
    return data


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("portrait.jpg", b"<html>kein Bild</html>" * 10, "kein Bild im Format JPEG, PNG oder WebP"),
        ("bombe.png", png_claiming(60_000, 60_000), "zu viele Pixel"),
    ],
    ids=["non-image renamed .jpg", "image bomb"],
)
def test_admin_refuses_a_bad_photo_with_a_german_message(
    admin_client, person, media_root, name, data, message
):
    post = admin_person_data(admin_client, person)
    post["photo"] = upload(name, data)
    response = admin_client.post(reverse("admin:people_person_change", args=[person.pk]), post)
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["photo"])
    assert message in response.content.decode()
    person.refresh_from_db()
    assert not person.photo
    assert files_under(media_root) == []


def test_admin_accepts_a_photo_and_shows_the_preview(admin_client, person, media_root):
    post = admin_person_data(admin_client, person)
    post["photo"] = upload("portrait.webp", image_bytes("WEBP", size=(400, 500)))
    url = reverse("admin:people_person_change", args=[person.pk])
    assert admin_client.post(url, post).status_code == 302
    person.refresh_from_db()
    assert person.has_photo and (person.photo_width, person.photo_height) == (160, 200)
    assert person.photo_fallback.url in admin_client.get(url).content.decode()


# --- Organisation logos -----------------------------------------------------------------


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Behörde für Wirtschaft", slug="bwi")


def test_a_logo_needs_an_alt_text(organisation):
    organisation.logo = upload("logo.png", image_bytes("PNG", mode="RGBA"))
    with pytest.raises(ValidationError) as refusal:
        organisation.full_clean()
    assert "Alternativtext" in str(refusal.value)
    organisation.logo_alt_de = "Logo der Behörde für Wirtschaft"
    organisation.full_clean()
    organisation.save()
    assert organisation.has_logo
    assert organisation.logo_fallback.name.endswith(".png")


def test_admin_logo_upload_without_alt_text_is_refused(admin_client, organisation, media_root):
    url = reverse("admin:projects_organisation_change", args=[organisation.pk])
    post = change_form_data(admin_client.get(url))  # with the inlines' management forms
    post.pop("logo", None)
    post["logo"] = upload("logo.png", image_bytes("PNG", mode="RGBA", size=(600, 200)))
    response = admin_client.post(url, post)
    assert response.status_code == 200
    assert "Bitte einen Alternativtext für das Logo angeben" in response.content.decode()
    assert files_under(media_root) == []

    post["logo"] = upload("logo.png", image_bytes("PNG", mode="RGBA", size=(600, 200)))
    post["logo_alt_de"] = "Logo der Behörde für Wirtschaft"
    assert admin_client.post(url, post).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.logo_width, organisation.logo_height) == (240, 80)
    assert open_stored(organisation.logo_webp.name).size == (480, 160)
    assert organisation.logo_alt == "Logo der Behörde für Wirtschaft"


# --- On the site ------------------------------------------------------------------------


def test_person_page_shows_the_photo_or_only_the_name(client, archive):
    person = Person.objects.public().first()
    html = client.get(person.get_absolute_url()).content.decode()
    assert person.full_name in html
    assert '<picture class="portrait">' not in html

    person.photo = upload("portrait.jpg", image_bytes("JPEG", size=(640, 800)))
    person.save()
    html = client.get(person.get_absolute_url()).content.decode()
    assert f'<source srcset="{person.photo_webp.url}" type="image/webp">' in html
    assert (
        f'<img src="{person.photo_fallback.url}" width="160" height="200" '
        f'alt="Porträt von {person.full_name}">'
    ) in html


def test_organisation_page_shows_the_logo_with_its_alt_text_or_only_the_name(client, archive):
    organisation = Organisation.objects.with_public_projects().first()
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert '<picture class="logo">' not in html  # no logo files exist: the name as text

    organisation.logo = upload("logo.png", image_bytes("PNG", mode="RGBA", size=(480, 192)))
    organisation.logo_alt_de = "Logo der Organisation"
    organisation.save()
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert '<picture class="logo">' in html
    assert (
        f'<img src="{organisation.logo_fallback.url}" width="240" height="96" '
        'alt="Logo der Organisation">'
    ) in html


def test_render_pictures_draws_the_renditions_again(
    person, media_root, capsys, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    person.photo = upload("a.jpg", image_bytes("JPEG", size=(640, 800)))
    person.save()
    old = [person.photo_webp.name, person.photo_fallback.name]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("render_pictures")
    person.refresh_from_db()
    assert person.has_photo and [person.photo_webp.name, person.photo_fallback.name] != old
    assert sorted(files_under(media_root)) == sorted(
        [person.photo.name, person.photo_webp.name, person.photo_fallback.name]
    )
    assert "Neu gezeichnet: 1." in capsys.readouterr().out


def test_a_colour_profile_is_applied_and_dropped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = image_bytes("JPEG", icc_profile=profile)
    assert Image.open(io.BytesIO(data)).info.get("icc_profile")
    image = load_image(upload("profil.jpg", data))
    rendition = render(image, RenditionSpec(width=160, height=200))
    for encoded in (rendition.webp, rendition.fallback):
        assert "icc_profile" not in Image.open(io.BytesIO(encoded)).info


def test_only_a_new_upload_is_processed_not_a_stored_file_read_before(person, media_root):
    """Saving after reading the stored photo (an admin preview, a check) must not store
    it a second time: only a new upload is one."""
    from core.files import new_upload

    picture = upload("a.jpg", image_bytes("JPEG", size=(640, 800)))
    person.photo = picture
    assert new_upload(person.photo) is picture
    person.save()
    stored = sorted(files_under(media_root))

    person = Person.objects.get(pk=person.pk)
    assert new_upload(person.photo) is None
    with person.photo.open("rb") as opened:
        assert opened.read(2) == b"\xff\xd8"  # a JPEG, read from the storage
        assert new_upload(person.photo) is None
        person.save()
    assert sorted(files_under(media_root)) == stored
