"""Archive expansion: members out, hostile archives refused before anything is inflated."""

from __future__ import annotations

import io
import os
import stat
import struct
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest

from casework.importers import archives
from casework.importers.archives import (
    ArchiveError,
    ArchiveLimits,
    expand,
    is_archive,
    safe_member_path,
)
from casework.importers.readers import ReadError


def make_zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buf.getvalue()


def make_tar(members: list[tarfile.TarInfo | tuple[str, bytes]], mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:
        for m in members:
            if isinstance(m, tarfile.TarInfo):
                tf.addfile(m)
            else:
                info = tarfile.TarInfo(m[0])
                info.size = len(m[1])
                tf.addfile(info, io.BytesIO(m[1]))
    return buf.getvalue()


def test_is_archive() -> None:
    for name in ("a.zip", "b.TAR", "c.tar.gz", "d.tgz", "e.tar.bz2", "f.tar.xz", "g.txz"):
        assert is_archive(name)
    for name in ("a.gz", "b.docx", "c.txt", "zip", "d.tar.zst"):
        assert not is_archive(name)
    assert issubclass(ArchiveError, ReadError)


def test_zip_members() -> None:
    data = make_zip({"docs/": b"", "docs/a.txt": b"alpha", "b.md": b"# beta"})
    assert list(expand(data, "case.zip")) == [("docs/a.txt", b"alpha"), ("b.md", b"# beta")]


def test_zip_slip_is_contained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = make_zip(
        {
            "../../evil.txt": b"evil",
            "/abs/x.txt": b"abs",
            "C:\\windows\\y.txt": b"drive",
            "ok/../fine.txt": b"fine",
            "a/./b//c.txt": b"c",
        }
    )
    skipped: list[tuple[str, str]] = []
    out = list(expand(data, "slip.zip", skipped=skipped))
    assert out == [
        ("abs/x.txt", b"abs"),
        ("windows/y.txt", b"drive"),
        ("fine.txt", b"fine"),
        ("a/b/c.txt", b"c"),
    ]
    assert skipped == [("../../evil.txt", "path escapes the archive")]
    assert list(tmp_path.iterdir()) == []  # nothing was written anywhere
    assert not (tmp_path.parent.parent / "evil.txt").exists()


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("a/b.txt", "a/b.txt"),
        ("/etc/passwd", "etc/passwd"),
        ("..\\..\\x", None),
        ("a/../../x", None),
        ("..", None),
        ("", None),
        ("D:/x/y", "x/y"),
        ("a\x00b", "ab"),
    ],
)
def test_safe_member_path(raw: str, safe: str | None) -> None:
    assert safe_member_path(raw) == safe


def test_zip_symlink_is_skipped() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("link")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("real.txt", "real")
    skipped: list[tuple[str, str]] = []
    assert list(expand(buf.getvalue(), "l.zip", skipped=skipped)) == [("real.txt", b"real")]
    assert skipped == [("link", "symbolic link")]


def zip_bomb(path: Path, size: int = 200 * 1024 * 1024) -> bytes:
    """200 MB of zeros in one member: about 200 KB on disk, written without 200 MB in memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("zeros.txt", "w") as fh:
        block = bytes(1024 * 1024)
        for _ in range(size // len(block)):
            fh.write(block)
    return path.read_bytes()


def test_zip_bomb_rejected_without_decompressing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = zip_bomb(tmp_path / "bomb.zip")
    assert len(data) < 1_000_000

    def no_open(*_a: object, **_k: object) -> None:
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_open)
    with pytest.raises(ArchiveError, match=r"zeros.txt compresses \d+:1"):
        next(expand(data, "bomb.zip"))


def test_declared_total_over_limit() -> None:
    data = make_zip({f"f{i}.bin": os.urandom(600) for i in range(3)})
    with pytest.raises(ArchiveError, match="would expand to 1,800 bytes"):
        list(expand(data, "big.zip", limits=ArchiveLimits(max_total=1000)))


def test_lying_sizes_never_produce_more_than_declared() -> None:
    payload = b"0123456789" * 10_000
    data = bytearray(make_zip({"liar.txt": payload}))
    cd = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, cd + 24, 100)  # central directory: uncompressed size 100
    struct.pack_into("<L", data, 22, 100)  # and the local header agrees
    skipped: list[tuple[str, str]] = []
    assert list(expand(bytes(data), "liar.zip", skipped=skipped)) == []
    assert skipped and skipped[0][0] == "liar.txt" and skipped[0][1].startswith("damaged")


def test_member_count_limit() -> None:
    data = make_zip({f"f{i}.txt": b"x" for i in range(11)})
    with pytest.raises(ArchiveError, match="more than 10 members"):
        next(expand(data, "many.zip", limits=ArchiveLimits(max_members=10)))
    many = make_zip({f"f{i}.txt": b"" for i in range(10_001)}, zipfile.ZIP_STORED)
    with pytest.raises(ArchiveError, match="more than 10000 members"):
        next(expand(many, "many.zip"))


def test_nested_archives() -> None:
    level3 = make_zip({"deep.txt": b"bottom"})
    level2 = make_tar([("c.zip", level3), ("mid.txt", b"middle")], mode="w:gz")
    level1 = make_zip({"b.tar.gz": level2, "top.txt": b"top"})
    assert list(expand(level1, "a.zip")) == [
        ("b.tar.gz/c.zip/deep.txt", b"bottom"),
        ("b.tar.gz/mid.txt", b"middle"),
        ("top.txt", b"top"),
    ]
    level0 = make_zip({"a.zip": level1})
    with pytest.raises(ArchiveError, match=r"^archives nested deeper than 3$"):
        list(expand(level0, "outer.zip"))


def test_tar_traversal_links_and_devices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    symlink = tarfile.TarInfo("passwd-link")
    symlink.type = tarfile.SYMTYPE
    symlink.linkname = "/etc/passwd"
    hardlink = tarfile.TarInfo("hard")
    hardlink.type = tarfile.LNKTYPE
    hardlink.linkname = "docs/a.txt"
    device = tarfile.TarInfo("dev/null")
    device.type = tarfile.CHRTYPE
    fifo = tarfile.TarInfo("pipe")
    fifo.type = tarfile.FIFOTYPE
    folder = tarfile.TarInfo("docs")
    folder.type = tarfile.DIRTYPE
    data = make_tar(
        [
            folder,
            ("docs/a.txt", b"alpha"),
            ("../escape.txt", b"evil"),
            ("/etc/cron.d/x", b"absolute"),
            symlink,
            hardlink,
            device,
            fifo,
        ]
    )
    skipped: list[tuple[str, str]] = []
    out = list(expand(data, "t.tar", skipped=skipped))
    assert out == [("docs/a.txt", b"alpha"), ("etc/cron.d/x", b"absolute")]
    assert skipped == [
        ("../escape.txt", "path escapes the archive"),
        ("passwd-link", "symbolic link"),
        ("hard", "hard link"),
        ("dev/null", "not a regular file"),
        ("pipe", "not a regular file"),
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("mode", "name"),
    [("w:gz", "x.tar.gz"), ("w:gz", "x.tgz"), ("w:bz2", "x.tar.bz2"), ("w:xz", "x.tar.xz")],
)
def test_compressed_tars(mode: str, name: str) -> None:
    data = make_tar([("a.txt", b"alpha"), ("b/c.txt", b"gamma")], mode=mode)
    assert list(expand(data, name)) == [("a.txt", b"alpha"), ("b/c.txt", b"gamma")]


def test_concatenated_gzip_streams() -> None:
    import gzip

    tar = make_tar([("a.txt", b"alpha" * 1000)])
    half = len(tar) // 2
    data = gzip.compress(tar[:half]) + gzip.compress(tar[half:])
    assert list(expand(data, "multi.tgz")) == [("a.txt", b"alpha" * 1000)]


def test_tar_gz_bomb_stops_early() -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("zeros.bin")
        info.size = 50 * 1024 * 1024
        tf.addfile(info, io.BytesIO(bytes(info.size)))
    data = buf.getvalue()
    with pytest.raises(ArchiveError, match="compresses more than 200:1"):
        next(expand(data, "bomb.tar.gz"))
    with pytest.raises(ArchiveError, match="expands to more than"):
        next(expand(data, "bomb.tar.gz", limits=ArchiveLimits(max_ratio=1e9, max_total=10_000)))


def test_tar_member_count_limit() -> None:
    data = make_tar([(f"f{i}", b"") for i in range(11)])
    with pytest.raises(ArchiveError, match="more than 10 members"):
        next(expand(data, "n.tar", limits=ArchiveLimits(max_members=10)))


def test_damaged_archives() -> None:
    with pytest.raises(ArchiveError, match=r"^not a valid zip archive$"):
        list(expand(b"PK\x03\x04 this is not really a zip", "x.zip"))
    with pytest.raises(ArchiveError, match=r"^not a valid tar archive$"):
        list(expand(b"hello" * 200, "x.tar"))
    tgz = make_tar([("a.txt", os.urandom(20_000))], mode="w:gz")
    with pytest.raises(ArchiveError, match=r"damaged \(truncated\?\)"):
        list(expand(tgz[: len(tgz) // 2], "x.tgz"))
    with pytest.raises(ArchiveError, match="not a supported archive"):
        list(expand(b"", "x.rar"))


def test_spooled_stream_leaves_no_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spool_dir = tmp_path / "tmp"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    monkeypatch.setattr(archives, "_SPOOL_IN_MEMORY", 1024)  # force the spill to disk
    data = make_tar([("a.bin", os.urandom(100_000))], mode="w:gz")
    assert [n for n, _ in expand(data, "s.tgz")] == ["a.bin"]
    assert list(spool_dir.iterdir()) == []


def test_duplicate_member_names_are_made_unique() -> None:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w") as zf,
        pytest.warns(UserWarning, match="Duplicate name"),  # and keeps both
    ):
        zf.writestr("a.txt", "first")
        zf.writestr("a.txt", "second")
        zf.writestr("b", "x")
        zf.writestr("b", "y")
    out = list(expand(buf.getvalue(), "dup.zip"))
    assert out == [("a.txt", b"first"), ("a (2).txt", b"second"), ("b", b"x"), ("b (2)", b"y")]


def test_damaged_nested_archive_is_skipped_not_fatal() -> None:
    data = make_zip({"inner.zip": b"PK\x03\x04 not a zip", "ok.txt": b"fine"})
    skipped: list[tuple[str, str]] = []
    assert list(expand(data, "outer.zip", skipped=skipped)) == [("ok.txt", b"fine")]
    assert skipped == [("inner.zip", "not a valid zip archive")]


def test_member_count_precheck_is_not_fooled_by_the_comment() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.comment = b"PK\x05\x06 fake end record"
        for i in range(20):
            zf.writestr(f"f{i}", b"x")
    data = buf.getvalue()
    archives._zip_precheck(data, ArchiveLimits(max_members=20))  # the real record: 20
    with pytest.raises(ArchiveError, match="more than 19 members"):
        archives._zip_precheck(data, ArchiveLimits(max_members=19))
