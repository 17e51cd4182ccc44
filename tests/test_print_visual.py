"""The example's PDFs as they look: every page of each article PDF and the first pages of each
edition, rendered by pdftoppm at 40 dpi in 16 greys, compared with the images stored in
tests/visual/print/ within a tolerance for antialiasing.

A change to print.css, the print templates, the typesetting or the example's articles that moves
text shows here. After an intended change, look at the new renders and store them:

    .venv/bin/python tests/test_print_visual.py --refresh

The renders depend on the fonts installed; ./run installs the same Debian fonts everywhere, so only
antialiasing differs between machines. A failing page leaves its expected, actual and difference
images in test-artifacts/print-visual/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import REPOSITORY  # noqa: E402

STORED = REPOSITORY / "tests" / "visual" / "print"
ARTIFACTS = REPOSITORY / "test-artifacts" / "print-visual"
DPI = 40
LEVELS = 16                 # greys kept: 4-bit images, small in the repository
EDITION_PAGES = 5           # of an edition: the cover, its back, the contents, a blank page, the first article's first page
# A page matches when at most this share of its pixels differ by more than NEAR greys (of 16):
# antialiasing moves a pixel by one or two greys, a line of text moved or rewrapped by many.
NEAR = 3
TOLERANCE = 0.002


def render_example(folder: Path) -> dict:
    """Build the example into folder and render its PDFs: {NAME-PAGE: image}, pages numbered from 1."""
    from PIL import Image

    from builder.build import build

    result = build(REPOSITORY, out=folder / "site")
    site, editions = result.out_dir, {edition.slug for edition in result.pdf.editions}
    pages = {}
    for pdf in sorted((site / "pdf").glob("*.pdf")):
        prefix = folder / "png" / pdf.stem
        prefix.parent.mkdir(exist_ok=True)
        last = ["-l", str(EDITION_PAGES)] if pdf.stem in editions else []
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", *last, str(pdf), str(prefix)], check=True)
        for png in sorted(prefix.parent.glob(f"{pdf.stem}-*.png")):
            number = png.stem.removeprefix(f"{pdf.stem}-")
            if number.isdigit():
                pages[f"{pdf.stem}-{int(number)}"] = _greys(Image.open(png))
    return pages


def _greys(image):
    """image in LEVELS greys, as a 4-bit palette image (level n is grey n * 17)."""
    grey = image.convert("L").point(lambda value: value * LEVELS // 256)
    palette = grey.convert("P")
    palette.putpalette([level * 255 // (LEVELS - 1) for level in range(LEVELS) for _ in range(3)])
    return palette


def differing_share(expected, actual) -> float:
    """The share of pixels whose grey differs by more than NEAR levels."""
    from PIL import ImageChops

    if expected.size != actual.size:
        return 1.0
    histogram = ImageChops.difference(expected.convert("L"), actual.convert("L")).histogram()
    step = 255 // (LEVELS - 1)
    return sum(histogram[NEAR * step + 1:]) / (expected.size[0] * expected.size[1])


def refresh() -> None:
    with tempfile.TemporaryDirectory(prefix="dossier-visual-") as scratch:
        pages = render_example(Path(scratch))
        if STORED.exists():
            shutil.rmtree(STORED)
        STORED.mkdir(parents=True)
        for name, image in pages.items():
            image.save(STORED / f"{name}.png", optimize=True, bits=4)
    print(f"stored {len(pages)} pages in {STORED.relative_to(REPOSITORY)}")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is not installed (poppler-utils; ./run setup installs it)")
    return render_example(tmp_path_factory.mktemp("visual"))


def _stored() -> list[str]:
    return sorted(path.stem for path in STORED.glob("*.png"))


def test_the_same_pages_are_rendered(rendered):
    assert _stored(), "no stored renders: run .venv/bin/python tests/test_print_visual.py --refresh"
    assert sorted(rendered) == _stored(), "pages were added or removed: look at the renders, then --refresh"


@pytest.mark.parametrize("name", _stored())
def test_each_page_looks_as_stored(rendered, name):
    from PIL import Image, ImageChops

    expected = Image.open(STORED / f"{name}.png")
    actual = rendered.get(name)
    assert actual is not None, f"{name} is no longer rendered"
    share = differing_share(expected, actual)
    if share > TOLERANCE:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        expected.convert("L").save(ARTIFACTS / f"{name}-expected.png")
        actual.convert("L").save(ARTIFACTS / f"{name}-actual.png")
        if expected.size == actual.size:
            ImageChops.invert(ImageChops.difference(expected.convert("L"), actual.convert("L"))).save(ARTIFACTS / f"{name}-diff.png")
    assert share <= TOLERANCE, (f"{name}: {share:.2%} of the page differs (see {ARTIFACTS.relative_to(REPOSITORY)}); "
                                "if the change is intended: .venv/bin/python tests/test_print_visual.py --refresh")


def test_a_moved_line_is_seen_and_antialiasing_is_not(rendered):
    """The tolerance tells a shifted page from the same page: the first article page moved down by
    two pixels (a line's spacing at 40 dpi is about six) differs, one grey lighter does not."""
    from PIL import ImageChops

    page = rendered["surveillance-before-party-congress-1"]
    shifted = ImageChops.offset(page.convert("L"), 0, 2)
    lighter = page.convert("L").point(lambda value: min(255, value + 17))
    assert differing_share(page, _greys(shifted)) > TOLERANCE
    assert differing_share(page, _greys(lighter)) <= TOLERANCE


if __name__ == "__main__":
    if sys.argv[1:] != ["--refresh"]:
        sys.exit("usage: .venv/bin/python tests/test_print_visual.py --refresh")
    sys.path.insert(0, str(REPOSITORY))
    refresh()
