"""Photos, logos and report covers with Pillow: only intact JPEG, PNG or WebP within the
size and pixel limits (no decompression bombs), upright, sRGB, without metadata; shown
as WebP with a JPEG or PNG fallback, rendered once at upload (``ImageSlot``).
"""

import hashlib
import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .files import (
    file_changes,
    file_size,
    keep_aside_on_commit,
    new_upload,
    stored_names,
)
from .signals import content_changed

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000

# The kept original ("master") is at most this many pixels on its long side: enough for
# any rendition the site shows, small enough to keep.
MASTER_MAX_SIDE = 2000

FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}

# Everything Pillow may raise on a malformed file.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError)


def max_upload_bytes():
    return getattr(settings, "IMAGE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def max_pixels():
    return getattr(settings, "IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def sniff_format(head):
    """The image format the first bytes announce: "JPEG", "PNG", "WEBP" or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _not_an_image():
    return ValidationError(
        _("Die Datei ist kein Bild im Format JPEG, PNG oder WebP."), code="not_an_image"
    )


def _too_many_pixels(width=None, height=None):
    limit = number_format(max_pixels(), force_grouping=True)
    if width and height:
        return ValidationError(
            _(
                "Das Bild hat %(width)s × %(height)s Pixel; erlaubt sind höchstens "
                "%(limit)s Pixel. Bitte eine kleinere Fassung hochladen."
            ),
            code="too_many_pixels",
            params={"width": width, "height": height, "limit": limit},
        )
    return ValidationError(
        _(
            "Das Bild hat zu viele Pixel; erlaubt sind höchstens %(limit)s Pixel. "
            "Bitte eine kleinere Fassung hochladen."
        ),
        code="too_many_pixels",
        params={"limit": limit},
    )


def load_image(file, *, max_bytes=None, pixel_limit=None):
    """Check an uploaded image and return it decoded, upright, in sRGB, without metadata.

    Raises ``ValidationError`` (German messages) for a file that is empty, too large,
    not a JPEG/PNG/WebP image by content (the name does not count), claims more pixels
    than allowed, or is truncated or corrupt. The result has at most
    ``MASTER_MAX_SIDE`` pixels on its long side and the mode RGB or RGBA.
    """
    max_bytes = max_bytes or max_upload_bytes()
    pixel_limit = pixel_limit or max_pixels()

    size = file_size(file)
    if not size:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("Das Bild ist %(size)s groß; erlaubt sind höchstens %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )

    file.seek(0)
    kind = sniff_format(file.read(16))
    file.seek(0)
    if kind is None:
        raise _not_an_image()

    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit and refuses above twice that; both are
            # refusals here, before any pixel is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file, formats=[kind])
            width, height = image.size
            if width * height > pixel_limit:
                raise _too_many_pixels(width, height)
            if kind == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still covers the master size:
                # the whole stream is still read (and checked), in a fraction of the memory.
                image.draft(image.mode, (MASTER_MAX_SIDE, MASTER_MAX_SIDE))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels() from error
    except UnidentifiedImageError as error:
        raise _not_an_image() from error
    except _DECODE_ERRORS as error:
        raise ValidationError(
            _(
                "Die Bilddatei ist beschädigt oder unvollständig. Bitte die Datei neu "
                "exportieren und noch einmal hochladen."
            ),
            code="corrupt",
        ) from error
    finally:
        file.seek(0)

    try:
        return normalise(image)
    except _DECODE_ERRORS as error:
        raise ValidationError(
            _("Das Bild lässt sich nicht verarbeiten (Farbmodus %(mode)s)."),
            code="unsupported_mode",
            params={"mode": image.mode},
        ) from error


def normalise(image):
    """Upright, sRGB, RGB or RGBA, at most ``MASTER_MAX_SIDE`` pixels, no metadata."""
    image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode == "P" and "transparency" in image.info
    )
    if image.mode.startswith("I;16"):
        # 16-bit greyscale: scale down to 8 bits instead of clipping.
        image = image.point(lambda value: value / 256).convert("L")
    image = image.convert("RGBA" if has_alpha else "RGB")
    if has_alpha and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")  # an alpha channel without any transparency
    image.thumbnail((MASTER_MAX_SIDE, MASTER_MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image from the bare pixels: nothing of the file's metadata can travel on.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _to_srgb(image):
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # an unreadable profile: keep the pixels as they are


@dataclass(frozen=True)
class RenditionSpec:
    """The box (in CSS pixels) a template shows an image in, and how to encode it."""

    width: int
    height: int
    density: int = 2
    quality: int = 80
    # "JPEG", or "PNG" for images that may be transparent (logos).
    fallback: str = "JPEG"
    webp_lossless: bool = False

    def fit(self, width, height):
        """(CSS width, CSS height, pixel width, pixel height) for a source image.

        The image fits the box without being enlarged; the file has up to ``density``
        pixels per CSS pixel.
        """
        css_scale = min(self.width / width, self.height / height, 1.0)
        pixel_scale = min(css_scale * self.density, 1.0)
        return (
            max(1, round(width * css_scale)),
            max(1, round(height * css_scale)),
            max(1, round(width * pixel_scale)),
            max(1, round(height * pixel_scale)),
        )


@dataclass(frozen=True)
class Rendition:
    webp: bytes
    fallback: bytes
    fallback_extension: str
    width: int  # CSS pixels: the <img> width and height attributes
    height: int

    @property
    def digest(self):
        return hashlib.sha256(self.webp + self.fallback).hexdigest()[:10]


def render(image, spec):
    """The WebP and fallback files of ``image`` (RGB or RGBA) for ``spec``'s box."""
    css_width, css_height, pixel_width, pixel_height = spec.fit(*image.size)
    if image.size != (pixel_width, pixel_height):
        image = image.resize((pixel_width, pixel_height), Image.Resampling.LANCZOS)
    webp = io.BytesIO()
    image.save(webp, "WEBP", quality=spec.quality, method=6, lossless=spec.webp_lossless)
    fallback = io.BytesIO()
    if spec.fallback == "PNG":
        image.save(fallback, "PNG", optimize=True)
        extension = "png"
    else:
        _flatten(image).save(
            fallback, "JPEG", quality=spec.quality + 5, optimize=True, progressive=True
        )
        extension = "jpg"
    return Rendition(webp.getvalue(), fallback.getvalue(), extension, css_width, css_height)


def encode_master(image):
    """The kept original: (bytes, extension), PNG if transparent, else JPEG."""
    buffer = io.BytesIO()
    if image.mode == "RGBA":
        image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue(), "png"
    image.save(buffer, "JPEG", quality=90, optimize=True)
    return buffer.getvalue(), "jpg"


def _flatten(image):
    if image.mode != "RGBA":
        return image.convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


# --- Model integration ----------------------------------------------------------------

# Images checked by a field validator, kept for the ``save()`` that follows, so that a
# form decodes each upload once. Keyed by the uploaded file object.
_checked_uploads = WeakKeyDictionary()


def validate_image_upload(value):
    """Field validator for photos and logos; an already stored file is not read again."""
    upload = new_upload(value)
    if upload is None:
        return
    _checked_uploads[upload] = load_image(upload)


@dataclass(frozen=True)
class ImageSlot:
    """A model's uploaded image and the renditions its templates show.

    The model has the file field ``field`` (upload), ``<field>_webp`` and
    ``<field>_fallback`` (renditions) and ``<field>_width``/``<field>_height`` (the CSS
    size for the ``<img>`` attributes).
    """

    field: str
    folder: str
    spec: RenditionSpec

    @property
    def file_fields(self):
        return (self.field, f"{self.field}_webp", f"{self.field}_fallback")

    @property
    def all_fields(self):
        return (*self.file_fields, f"{self.field}_width", f"{self.field}_height")


@contextmanager
def image_slots_saved(instance, slots, stem, save_kwargs):
    """Wrap a model's ``super().save()``: process new uploads of ``slots`` first.

    A new upload is stored as a metadata-free master (``folder/original/stem.jpg``) with
    its renditions (``folder/stem-<hash>.webp``; the hash makes every new version a new
    address, so browsers never show a stale cached picture). A cleared upload clears the
    renditions. Files the row stops using are removed after the commit.
    """
    update_fields = save_kwargs.get("update_fields")
    active = [slot for slot in slots if update_fields is None or slot.field in update_fields]
    if not active:
        yield
        return
    if update_fields is not None:
        save_kwargs["update_fields"] = {
            *update_fields,
            *(name for slot in active for name in slot.all_fields),
        }
    fields = [name for slot in slots for name in slot.file_fields]
    storage = instance._meta.get_field(slots[0].field).storage
    old = stored_names(instance, fields)
    with file_changes(instance, fields, storage) as changes:
        for slot in active:
            _prepare_slot(instance, slot, stem, changes, old)
        yield


def _prepare_slot(instance, slot, stem, changes, old):
    current = getattr(instance, slot.field)
    upload = new_upload(current)
    if upload is not None:
        image = _checked_uploads.pop(upload, None) or load_image(upload)
    elif current and current.name != old.get(slot.field):
        # Another stored file was named directly: render it afresh.
        with current.storage.open(current.name, "rb") as stored:
            image = load_image(stored)
    elif not current:
        image = None
    else:
        return  # unchanged
    changes.release(*(old.get(name) for name in slot.file_fields))
    if image is None:
        for name in slot.all_fields:
            setattr(instance, name, None if name.endswith(("_width", "_height")) else "")
        return
    if upload is not None:
        master, extension = encode_master(image)
        name = changes.write(f"{slot.folder}/original", stem, extension, ContentFile(master))
        setattr(instance, slot.field, name)
    _store_renditions(instance, slot, stem, changes, image)


def _store_renditions(instance, slot, stem, changes, image):
    rendition = render(image, slot.spec)
    versioned = f"{stem}-{rendition.digest}"
    webp = changes.write(slot.folder, versioned, "webp", ContentFile(rendition.webp))
    fallback = changes.write(
        slot.folder, versioned, rendition.fallback_extension, ContentFile(rendition.fallback)
    )
    setattr(instance, f"{slot.field}_webp", webp)
    setattr(instance, f"{slot.field}_fallback", fallback)
    setattr(instance, f"{slot.field}_width", rendition.width)
    setattr(instance, f"{slot.field}_height", rendition.height)


def rerender_slot(instance, slot, stem):
    """Render the renditions of an already stored image again (after a size change).

    Saves only the rendition fields; returns False if the row has no image.
    """
    current = getattr(instance, slot.field)
    if not current:
        return False
    fields = slot.file_fields
    old = stored_names(instance, fields)
    with file_changes(instance, fields, current.storage) as changes:
        with current.storage.open(current.name, "rb") as stored:
            limit = max(max_upload_bytes(), current.storage.size(current.name))
            image = load_image(stored, max_bytes=limit)
        changes.release(old.get(fields[1]), old.get(fields[2]))
        _store_renditions(instance, slot, stem, changes, image)
        type(instance)._meta.base_manager.filter(pk=instance.pk).update(
            **{name: getattr(instance, name) for name in slot.all_fields[1:]}
        )
    # update() sends no post_save: pages that link the old renditions must go.
    content_changed.send(sender=type(instance))
    return True


def keep_slot_files_aside_on_commit(instance, slots):
    """After a row is deleted: keep its images aside once the deletion has committed, for
    a restore from the version history (``core.files``)."""
    fields = [name for slot in slots for name in slot.file_fields]
    storage = instance._meta.get_field(slots[0].field).storage
    names = [getattr(instance, name).name for name in fields if getattr(instance, name)]
    keep_aside_on_commit(storage, type(instance), fields, names)
