"""Scans and photos of bills (issue 13 item 8): every legible scan is read -- skewed, upside down,
1-bit, stub torn off, coupon page missing -- and a phone photo saved as JPEG or PNG is read like a
scan (reported with kind "bill_pdf"). A Connector letter that is not a bill is not turned into one.

The images are made here: a bill rendered by tests/support/bill_render.py, rasterised with pypdfium2, then
turned, thresholded, cropped, blurred and noised with Pillow/numpy.
"""
from __future__ import annotations

import io
from decimal import Decimal as D
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from bill_factories import assert_same_bill, credit_bill, dental_bill, health_bill
from fpdf import FPDF
from PIL import Image, ImageFilter

from recon.cache import ParseCache
from recon.detect import identify
from recon.errors import ParseError, UnknownFormat
from recon.importers.bills import BillImageImporter, BillPdfImporter, ocr
from recon.importers.bills.ocr import estimate_skew, tesseract_missing_reason, to_grey
from tests.support.bill_render import COUPON_TOP, PAGE_H, render_bill_pdf_bytes

needs_tesseract = pytest.mark.skipif(tesseract_missing_reason() is not None,
                                     reason=f"OCR test skipped: {tesseract_missing_reason()}")
DPI = 200
REQUIRED = ("billing_account", "bill_date", "due_date", "coverage_month", "amount_due")


def page_images(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def bill_images(bill, layout: str) -> list[Image.Image]:
    return page_images(render_bill_pdf_bytes([bill], layout))


def image_pdf(images: list[Image.Image], path: Path, dpi: int = DPI) -> Path:
    """Images -> an image-only PDF (no text layer), as a scanner writes it."""
    first, *rest = images
    first.save(path, "PDF", resolution=float(dpi), save_all=True, append_images=rest)
    return path


def skew(img: Image.Image, deg: float, fill: int = 255) -> Image.Image:
    return img.rotate(deg, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)


def one_bit(img: Image.Image, cut: int = 160) -> Image.Image:
    return img.point(lambda v: 255 if v > cut else 0).convert("1")


def photo(img: Image.Image, seed: int) -> Image.Image:
    """A phone photo of a paper bill: a slight turn, off-white paper, soft focus, sensor noise, colour."""
    rng = np.random.default_rng(seed)
    img = skew(img, 1.2, fill=225).filter(ImageFilter.GaussianBlur(1.1))
    arr = np.asarray(img, dtype=np.float32) * 0.82 + 28 + rng.normal(0.0, 7.0, img.size[::-1])
    grey = np.clip(arr, 0, 255).astype(np.uint8)
    rgb = np.stack([grey, np.clip(grey.astype(np.int16) - 6, 0, 255).astype(np.uint8),
                    np.clip(grey.astype(np.int16) - 14, 0, 255).astype(np.uint8)], axis=-1)
    return Image.fromarray(rgb, mode="RGB")


def read_pdf(path: Path, **kw):
    return BillPdfImporter(**kw).extract(path, path.name)


def read_image(path: Path, **kw):
    return BillImageImporter(**kw).extract(path, path.name)


# ---------------------------------------------------------------- no tesseract needed

@pytest.mark.parametrize("deg", [-6.0, -2.5, 1.0, 4.0])
def test_skew_is_measured(deg: float) -> None:
    img = bill_images(health_bill(), "2026")[0]
    assert estimate_skew(skew(img, deg)) == pytest.approx(-deg, abs=0.3)


def test_level_page_is_left_alone() -> None:
    img = bill_images(dental_bill(), "2022")[0]
    assert abs(estimate_skew(img)) < ocr.SKEW_MIN_DEG
    assert estimate_skew(Image.new("L", (800, 1000), 255)) == 0.0


@pytest.mark.parametrize("mode", ["1", "RGB", "RGBA", "P", "LA"])
def test_any_image_mode_becomes_grey(mode: str) -> None:
    img = Image.new("L", (40, 30), 255)
    img.paste(0, (10, 10, 30, 20))
    got = to_grey(img.convert(mode))
    assert got.mode == "L" and got.size == (40, 30)
    assert got.getpixel((20, 15)) < 100 and got.getpixel((2, 2)) > 200


def test_image_importer_claims_images_only(tmp_path: Path) -> None:
    imp = BillImageImporter()
    img = Image.new("L", (10, 10), 255)
    for fmt, ext in (("PNG", "png"), ("JPEG", "jpg"), ("TIFF", "tif")):
        buf = io.BytesIO()
        img.save(buf, format=fmt)
        assert imp.identify(tmp_path / f"x.{ext}", buf.getvalue()[:64])
    for head in (b"%PDF-1.7\n", b"Date,Description,Amount\n", b"OFXHEADER:100", b""):
        assert not imp.identify(tmp_path / "x", head)


def test_an_image_is_claimed_by_exactly_one_importer(tmp_path: Path) -> None:
    p = tmp_path / "bill.png"
    Image.new("L", (10, 10), 255).save(p)
    assert isinstance(identify(p, p.name), BillImageImporter)
    assert BillImageImporter.kind == "bill_pdf"   # report.json's kinds are fixed


def test_truncated_image_is_rejected_as_corrupt(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    bill_images(health_bill(), "2026")[0].save(good)
    bad = tmp_path / "bad.png"
    bad.write_bytes(good.read_bytes()[:2000])
    if tesseract_missing_reason() is None:
        with pytest.raises(ParseError, match="corrupt or truncated"):
            read_image(bad)


# ---------------------------------------------------------------- scans (image-only PDFs)

@needs_tesseract
@pytest.mark.parametrize(("layout", "deg"), [("2026", 3.0), ("2024", -4.0)])
def test_skewed_scan_is_read(tmp_path: Path, layout: str, deg: float) -> None:
    bill = health_bill()
    pdf = image_pdf([skew(bill_images(bill, layout)[0], deg)], tmp_path / "skewed.pdf")
    result = read_pdf(pdf)
    assert_same_bill(result.bills[0], bill)
    assert any("straightened" in n for n in result.notes)


@needs_tesseract
def test_upside_down_scan_is_read(tmp_path: Path) -> None:
    bill = dental_bill()
    pdf = image_pdf([bill_images(bill, "2024")[0].rotate(180)], tmp_path / "upside-down.pdf")
    result = read_pdf(pdf)
    assert_same_bill(result.bills[0], bill)
    assert any("upside down" in n for n in result.notes)


@needs_tesseract
@pytest.mark.parametrize("layout", ["2022", "2024"])
def test_one_bit_scan_is_read(tmp_path: Path, layout: str) -> None:
    bill = health_bill()
    pdf = image_pdf([one_bit(bill_images(bill, layout)[0])], tmp_path / "bw.pdf")
    assert_same_bill(read_pdf(pdf).bills[0], bill)


@needs_tesseract
def test_stub_torn_off_is_read(tmp_path: Path) -> None:
    bill = health_bill()
    img = bill_images(bill, "2026")[0]
    torn = img.crop((0, 0, img.width, int(img.height * (COUPON_TOP - 4) / PAGE_H)))
    result = read_pdf(image_pdf([torn], tmp_path / "torn.pdf"))
    assert_same_bill(result.bills[0], bill)


@needs_tesseract
def test_coupon_page_missing_is_read(tmp_path: Path) -> None:
    bill = credit_bill()
    pages = bill_images(bill, "2026")
    assert len(pages) == 2
    result = read_pdf(image_pdf(pages[:1], tmp_path / "page1.pdf"))
    got = result.bills[0]
    for name in REQUIRED:
        assert getattr(got, name) == getattr(bill, name), name


# ---------------------------------------------------------------- photos (JPEG, PNG)

@needs_tesseract
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_phone_photo_is_read_like_a_scan(tmp_path: Path, fmt: str) -> None:
    bill = health_bill()
    path = tmp_path / f"bill-photo.{fmt.lower()}"
    img = photo(bill_images(bill, "2024")[0], seed=7)
    img.save(path, format=fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    result = read_image(path)
    assert result.kind == "bill_pdf"
    assert_same_bill(result.bills[0], bill)
    assert any("read by OCR" in n for n in result.notes)


@needs_tesseract
def test_photo_taken_upside_down_is_read(tmp_path: Path) -> None:
    bill = dental_bill()
    path = tmp_path / "upside-down.jpg"
    photo(bill_images(bill, "2026")[0], seed=3).rotate(180).save(path, quality=85)
    assert_same_bill(read_image(path).bills[0], bill)


@needs_tesseract
def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    bill = dental_bill()
    img = bill_images(bill, "2022")[0].rotate(90, expand=True)     # stored sideways
    exif = Image.Exif()
    exif[0x0112] = 6                                               # "rotate 90 CW to display"
    path = tmp_path / "exif.jpg"
    img.save(path, quality=90, exif=exif)
    assert_same_bill(read_image(path).bills[0], bill)


@needs_tesseract
def test_image_bill_is_reported_as_bill_pdf(tmp_path: Path) -> None:
    from recon.api import read_inputs
    from recon.config import Config

    bill = health_bill()
    folder = tmp_path / "in"
    folder.mkdir()
    bill_images(bill, "2026")[0].save(folder / "bill.png")
    [(info, result)] = read_inputs([folder], Config())
    assert (info.kind, info.status) == ("bill_pdf", "ok")
    assert result is not None and result.bills[0].billing_account == bill.billing_account


# ---------------------------------------------------------------- letters are not bills

LETTERS = {
    "premium-change": ["Massachusetts Health Connector", "Important Notice About Your Premium",
                       "Notice Date: 09/15/2026", "Billing Account Number: 712345678", "Jane Q. Doe",
                       "Beginning November 1, 2026 your monthly premium will change",
                       "from $412.00 to $455.00 because your tax credit changed.",
                       "This is not a bill. Your next bill will show the new amount."],
    "past-due": ["MA Health Connector", "Past Due Notice", "Notice Date: 10/02/2026",
                 "Billing Account Number: 712345678",
                 "We have not received your premium payment of $412.00 that was due on 09/23/2026.",
                 "Amount Past Due: $412.00", "To keep your coverage, pay the past due amount by",
                 "October 23, 2026. If we do not receive it, your coverage may end."],
}


def letter_pdf(lines: list[str]) -> bytes:
    pdf = FPDF(unit="mm", format="Letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for t in lines:
        pdf.cell(0, 8, t, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


@needs_tesseract
@pytest.mark.parametrize("which", sorted(LETTERS))
def test_scanned_letter_is_not_a_bill(tmp_path: Path, which: str) -> None:
    img = skew(page_images(letter_pdf(LETTERS[which]))[0], 2.0)
    pdf = image_pdf([img], tmp_path / f"{which}.pdf")
    photo_path = tmp_path / f"{which}.jpg"
    photo(page_images(letter_pdf(LETTERS[which]))[0], seed=5).save(photo_path, quality=85)
    for read, path in ((read_pdf, pdf), (read_image, photo_path)):
        with pytest.raises(UnknownFormat, match="not a bill"):
            read(path)


# ---------------------------------------------------------------- cost: one OCR pass when it reads well

@needs_tesseract
def test_upright_page_costs_one_ocr_pass_and_the_cache_none(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "ocr-calls"                 # a file: the reading runs in a forked child
    log.write_text("")
    real = ocr.ocr_image

    def counting(image, page):
        with log.open("a") as fh:
            fh.write(f"{page}\n")
        return real(image, page)

    def calls() -> list[str]:
        return log.read_text().split()

    monkeypatch.setattr(ocr, "ocr_image", counting)
    bill = dental_bill()
    path = tmp_path / "bill.png"
    skew(bill_images(bill, "2026")[0], 2.0).save(path)
    cache = ParseCache(tmp_path / "cache")
    assert_same_bill(read_image(path, cache=cache).bills[0], bill)
    assert len(calls()) == 1                     # deskewed, then read once: no 180-degree retry
    again = read_image(path, cache=cache)        # same bytes: lines from the cache, no OCR
    assert len(calls()) == 1
    assert_same_bill(again.bills[0], bill)


# ---------------------------------------------------------------- an uncertain amount against two witnesses

@pytest.mark.parametrize("coupon, coupon_conf, replaced", [
    (D("412.00"), 95.0, True),     # the coupon and the sums agree: they outweigh the uncertain reading
    (D("400.00"), 95.0, False),    # the coupon disagrees with the sums: nothing to prefer
    (D("412.00"), 50.0, False),    # the coupon was itself uncertain
    (None, 0.0, False),            # no coupon
])
def test_an_uncertain_amount_due_gives_way_to_the_coupon_and_the_sums_when_they_agree(coupon, coupon_conf,
                                                                                     replaced):
    from recon.importers.bills.build import _two_witnesses

    misread = health_bill(amount_due=D("4712.00"))      # a speck read 412.00 as 4712.00
    warnings: list[str] = []
    conf = {"amount_due": 77.0, "coupon.amount_due": coupon_conf}
    got = _two_witnesses(misread, {"amount_due": coupon} if coupon else {}, conf, warnings)
    assert got.amount_due == (D("412.00") if replaced else D("4712.00"))
    assert bool(warnings) is replaced


def test_a_confident_amount_due_is_never_replaced():
    from recon.importers.bills.build import _two_witnesses

    bill = health_bill(amount_due=D("4712.00"))
    assert _two_witnesses(bill, {"amount_due": D("412.00")}, {"amount_due": 96.0}, []) is bill
