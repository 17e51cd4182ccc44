"""builder/urls.py: every name that becomes part of a site path goes through url_segment(),
and what it yields can neither leave its folder nor stand where the build writes a file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from builder.errors import BuildFailed
from builder.run.write import site_file
from builder.text import slugify
from builder.urls import RESERVED_NAMES, is_safe_segment, url_segment

HOSTILE = ["..", ".", "../../../themes/default/templates", "../../../../ESCAPED", "/etc/passwd", "a/../../b",
           "index.html", "INDEX.HTML", "feed.xml", "cite.bib", "!!!", "", " ", "\x00", "a\x00b", "..\\..\\x",
           "%2e%2e", ".hidden", "-", "—", "\u202e", "a" * 400, "가" * 300, "C:\\Windows", "~", "$HOME", "a\nb"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_give_a_safe_segment_or_nothing(text):
    for segment in (url_segment(text), url_segment(text, keep_dots=False), slugify(text)):
        assert segment == "" or is_safe_segment(segment)
        assert "/" not in segment and "\\" not in segment and segment not in (".", "..")
        assert segment.casefold() not in RESERVED_NAMES
        assert len(segment.encode("utf-8")) <= 255


def test_ordinary_names_are_kept_as_written():
    assert url_segment("ev-cadre-loyalty") == "ev-cadre-loyalty"
    assert url_segment("Kim2016") == "Kim2016"
    assert url_segment("doi:10.1000/xyz") == "doi-10.1000-xyz"
    assert slugify("Kim Jong-un 김정은") == "kim-jong-un-김정은"
    assert slugify("U.S. sanctions_2016") == "u-s-sanctions-2016"
    assert url_segment("index.html") == "" and url_segment("..") == "" and slugify("!!!") == ""


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_a_segment_that_stays_in_its_folder(text):
    base = Path("/site/sources")
    for segment in (url_segment(text), url_segment(text, keep_dots=False)):
        if segment:
            assert is_safe_segment(segment)
            assert Path(os.path.normpath(base / segment)).parent == base
            assert segment.casefold() not in RESERVED_NAMES


@pytest.mark.parametrize("path", ["../escaped.html", "a/../../b/index.html", "/etc/x", "a//b", "./a", "a/./b",
                                  "a/\x00/b", ""])
def test_the_write_gate_refuses_paths_that_leave_the_site(tmp_path, path):
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(BuildFailed) as failed:
        site_file(site, path, {})
    assert [str(p) for p in failed.value.problems] == [
        f"{site}:1:1: error: refusing to write '{path}': the path would leave the site folder"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_the_write_gate_refuses_a_folder_that_links_outside(tmp_path):
    site = tmp_path / "site"
    (tmp_path / "elsewhere").mkdir()
    site.mkdir()
    (site / "pdf").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(BuildFailed):
        site_file(site, "pdf/deeper/a.pdf", {})
    assert list((tmp_path / "elsewhere").iterdir()) == []       # no folder made through the link
    with pytest.raises(BuildFailed) as failed:
        site_file(site, "pdf/a.pdf", {})
    assert str(failed.value.problems[0]) == (f"{site}:1:1: error: refusing to write 'pdf/a.pdf': "
                                             "the path would leave the site folder")
    (site / "b.pdf").symlink_to(tmp_path / "elsewhere" / "b.pdf")
    with pytest.raises(BuildFailed):
        site_file(site, "b.pdf", {})
    assert site_file(site, "articles/a/index.html", {}) == site / "articles" / "a" / "index.html"
