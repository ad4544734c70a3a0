"""The corrections service over a real data directory: saving, versions, reverting, history, a new
scan of an issue, the database's schema and durability settings, and the editor commands."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.corrections.database import MIGRATIONS, DatabaseTooNew, database_path, open_database
from archive.corrections.editors import EditorError
from archive.corrections.service import Conflict, Corrections, NotFound
from archive.corrections.text import Change, ChangeError
from tests.webui_fixtures import sample_article_id

REPO = Path(__file__).resolve().parents[1]
ARTICLE = sample_article_id("全民攻坚凝聚反电诈合力")
ISSUE = ARTICLE.rpartition("/")[0]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    issues = tmp_path / "issues"
    issues.mkdir()
    for sample in sorted((REPO / "data" / "issues").glob("*.txt")):
        shutil.copy(sample, issues / sample.name)
    return tmp_path


@pytest.fixture
def service(data_dir: Path):
    corrections = Corrections(data_dir)
    yield corrections
    corrections.close()


@pytest.fixture
def editor(service: Corrections):
    return service.editors.add("wang", "a-long-password")


def fix_title(service: Corrections, editor, version: int = 1, title: str = "全民攻坚凝聚反电诈合力（校）"):
    return service.save(ARTICLE, version, [Change("title", None, title)], "按原报改", editor)


def test_a_save_changes_what_readers_see_and_keeps_the_original(service, editor, data_dir):
    before = hashlib.sha256((data_dir / "issues" / f"{ISSUE}.txt").read_bytes()).hexdigest()
    saved = fix_title(service, editor)
    assert saved.version == 2
    [correction] = saved.corrections
    assert (correction.editor, correction.note, correction.issue_sha256) == ("wang", "按原报改", before)
    assert correction.before == "全民攻坚凝聚反电诈合力" and correction.after.endswith("（校）")
    shown = service.article(ARTICLE)
    assert shown.article.title.endswith("（校）") and shown.original.title == "全民攻坚凝聚反电诈合力"
    assert shown.corrected and shown.version == 2
    assert hashlib.sha256((data_dir / "issues" / f"{ISSUE}.txt").read_bytes()).hexdigest() == before


def test_a_save_on_an_older_version_is_refused_and_says_what_changed(service, editor):
    fix_title(service, editor)
    with pytest.raises(Conflict, match=r"本文已是第 2 版.*wang 于 .* 改了标题"):
        service.save(ARTICLE, 1, [Change("paragraph", 0, "别人的修改")], "", editor)
    assert service.article(ARTICLE).article.paragraphs[0] != "别人的修改"


def test_several_fields_in_one_save_share_one_version(service, editor):
    saved = service.save(ARTICLE, 1, [Change("byline", None, "通讯员 万艾东"), Change("paragraph", 2, "新的第三段。")], "", editor)
    assert saved.version == 2 and [c.field for c in saved.corrections] == ["byline", "paragraph"]
    shown = service.article(ARTICLE).article
    assert shown.byline == "通讯员 万艾东" and shown.authors == ("万艾东",) and shown.paragraphs[2] == "新的第三段。"


def test_unknown_articles_and_bad_changes_are_refused_without_writing(service, editor):
    with pytest.raises(NotFound):
        service.save(f"{ISSUE}/999", 1, [Change("title", None, "x")], "", editor)
    with pytest.raises(NotFound):
        service.save("../etc/passwd/1", 1, [Change("title", None, "x")], "", editor)
    with pytest.raises(ChangeError):
        service.save(ARTICLE, 1, [Change("paragraph", 500, "x")], "", editor)
    with pytest.raises(ChangeError, match="说明太长"):
        service.save(ARTICLE, 1, [Change("title", None, "x")], "长" * 1001, editor)
    assert service.history(ARTICLE) == [] and service.article(ARTICLE).version == 1


def test_revert_is_a_correction_of_its_own_and_only_once(service, editor):
    saved = fix_title(service, editor)
    reverted = service.revert(saved.corrections[0].id, "", editor)
    assert reverted.version == 3 and reverted.corrections[0].reverts == saved.corrections[0].id
    assert service.article(ARTICLE).article.title == "全民攻坚凝聚反电诈合力"
    assert not service.article(ARTICLE).corrected
    history = service.history(ARTICLE)
    assert [c.reverted_by for c in history] == [reverted.corrections[0].id, None]
    with pytest.raises(Conflict, match="已经被撤销过了"):
        service.revert(saved.corrections[0].id, "", editor)
    with pytest.raises(NotFound):
        service.revert(12345, "", editor)


def test_reverting_an_earlier_correction_keeps_a_later_one_elsewhere_in_the_paragraph(service, editor):
    text = service.article(ARTICLE).article.paragraphs[1]
    first = service.save(ARTICLE, 1, [Change("paragraph", 1, "甲" + text)], "", editor)
    service.save(ARTICLE, 2, [Change("paragraph", 1, "甲" + text + "乙")], "", editor)
    service.revert(first.corrections[0].id, "", editor)
    assert service.article(ARTICLE).article.paragraphs[1] == text + "乙"


def test_a_new_scan_of_the_issue_carries_corrections_or_flags_them(service, editor, data_dir):
    saved = fix_title(service, editor)
    path = data_dir / "issues" / f"{ISSUE}.txt"
    original = path.read_text(encoding="utf-8")
    text = service.article(ARTICLE).original.paragraphs[1]
    service.save(ARTICLE, 2, [Change("paragraph", 1, text + "（补）")], "", editor)
    # the new scan reads the paragraph's end differently (the title is unchanged)
    path.write_text(original.replace("伙被彻底摧毁。", "伙已被打掉"), encoding="utf-8")
    shown = service.article(ARTICLE)
    assert shown.article.title.endswith("（校）"), "the title correction is carried"
    assert [c.after for c in shown.review] == [text + "（补）"], "the paragraph's old text is gone: review"
    assert shown.version == 4, "carrying to a new file is a new version: forms on the old text get 409"
    with pytest.raises(Conflict, match="原文件被新的扫描替换"):
        service.save(ARTICLE, 3, [Change("title", None, "x")], "", editor)
    stats = service.stats()
    assert stats.corrected_articles == 1 and [c.id for c in stats.review] == [saved.corrections[0].id + 1]


def test_a_reverted_pair_is_not_carried_to_a_new_scan(service, editor, data_dir):
    """The new scan reads the misread characters right by itself: an old revert must not undo that."""
    path = data_dir / "issues" / f"{ISSUE}.txt"
    saved = fix_title(service, editor, title="全民攻坚凝聚反电信诈骗合力")
    service.revert(saved.corrections[0].id, "", editor)
    path.write_text(path.read_text(encoding="utf-8").replace("全民攻坚凝聚反电诈合力", "全民攻坚凝聚反电信诈骗合力"), encoding="utf-8")
    shown = service.article(ARTICLE)
    assert shown.article.title == "全民攻坚凝聚反电信诈骗合力" and shown.review == ()
    assert [c.status for c in service.history(ARTICLE)] == ["reverted", "reverted"]


def test_stats_count_corrected_articles_and_characters(service, editor):
    assert service.stats().corrected_articles == 0
    fix_title(service, editor, title="全民攻坚凝聚反电诈合力量")
    stats = service.stats()
    assert (stats.corrected_articles, stats.corrected_characters, stats.corrections) == (1, 1, 1)


def test_the_database_is_versioned_durable_and_not_derived(service, editor, data_dir):
    fix_title(service, editor)
    path = database_path(data_dir)
    assert path.parent == data_dir and ".archive" not in path.parts
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(DatabaseTooNew):
        open_database(data_dir)


def test_a_copy_of_the_data_directory_keeps_the_corrections(service, editor, data_dir, tmp_path_factory):
    fix_title(service, editor)
    service.close()
    copy = tmp_path_factory.mktemp("restored") / "data"
    shutil.copytree(data_dir, copy)
    restored = Corrections(copy)
    assert restored.article(ARTICLE).article.title.endswith("（校）")
    restored.close()


def test_reading_never_creates_the_database(data_dir):
    service = Corrections(data_dir)
    assert service.article(ARTICLE).version == 1 and service.history(ARTICLE) == []
    assert service.stats().corrections == 0
    assert not database_path(data_dir).exists()


# --- editors ---------------------------------------------------------------------------


def test_passwords_and_tokens_are_stored_only_as_argon2_hashes(service, editor, data_dir):
    token = service.editors.issue_token("wang")
    rows = sqlite3.connect(database_path(data_dir)).execute(
        "SELECT password_hash FROM editors UNION ALL SELECT secret_hash FROM credentials").fetchall()
    assert rows and all(r[0].startswith("$argon2id$") for r in rows)
    raw = database_path(data_dir).read_bytes() + database_path(data_dir).with_name("corrections.sqlite-wal").read_bytes()
    assert b"a-long-password" not in raw and token.split(".")[1].encode() not in raw


def test_a_new_token_revokes_the_old_one_and_removing_an_editor_revokes_all(service, editor):
    first = service.editors.issue_token("wang")
    second = service.editors.issue_token("wang")
    assert service.editors.by_secret(first, "token") is None
    assert service.editors.by_secret(second, "token").name == "wang"
    session = service.editors.open_session(editor)
    assert service.editors.by_secret(session, "session").name == "wang"
    assert service.editors.by_secret(session, "token") is None, "a session id is not an API token"
    fix_title(service, editor)
    service.editors.remove("wang")
    assert service.editors.by_secret(second, "token") is None and service.editors.by_secret(session, "session") is None
    assert service.history(ARTICLE)[0].editor == "wang", "their corrections stay in the history"


def test_editor_names_and_passwords_are_checked(service):
    with pytest.raises(EditorError, match="至少"):
        service.editors.add("li", "short")
    with pytest.raises(EditorError, match="编辑名"):
        service.editors.add("<script>", "a-long-password")
    service.editors.add("li", "a-long-password")
    with pytest.raises(EditorError, match="已经存在"):
        service.editors.add("li", "a-long-password")
    assert service.editors.check_password("li", "a-long-password").name == "li"
    assert service.editors.check_password("li", "wrong-password") is None
    assert service.editors.check_password("nobody", "a-long-password") is None


def test_the_editor_commands(data_dir):
    runner = CliRunner()
    run = lambda *args, **kw: runner.invoke(main, ["--data", str(data_dir), "editor", *args], catch_exceptions=False, **kw)  # noqa: E731
    assert run("add", "zhao", "--password-stdin", input="a-long-password\n").exit_code == 0
    assert run("add", "qian", input="a-long-password\na-long-password\n").exit_code == 0
    token = run("token", "zhao").output.strip()
    assert token.startswith("t") and "." in token
    listing = run("list").output
    assert "zhao" in listing and "qian" in listing and "no token" in listing
    refused = run("add", "sun", "--password-stdin", input="short\n")
    assert refused.exit_code == 1 and "至少" in refused.output
    assert run("remove", "zhao").exit_code == 0
    assert run("remove", "zhao").exit_code == 1
    assert "zhao" not in run("list").output


def test_archive_stats_counts_corrections_and_lists_those_to_review(service, editor, data_dir):
    from indexer.factory import open_engine
    from indexer.settings import Settings

    open_engine(Settings(data_dir=data_dir)).reindex()
    fix_title(service, editor, title="全民攻坚凝聚反电诈合力量")
    path = data_dir / "issues" / f"{ISSUE}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("全民攻坚凝聚反电诈合力", "全民攻坚合力"), encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(main, ["--data", str(data_dir), "stats"], catch_exceptions=False).output
    assert "corrected:  0 articles" in text and "to review:  1" in text and "全民攻坚凝聚反电诈合力量" in text
    figures = runner.invoke(main, ["--data", str(data_dir), "stats", "--json"], catch_exceptions=False).output
    import json

    assert json.loads(figures)["corrections"]["corrections"] == 1


def test_a_database_of_the_first_schema_is_migrated_with_its_corrections(data_dir: Path):
    """Schema 2 rebuilds the corrections and placements tables (a CHECK cannot be altered): every row survives."""
    path = database_path(data_dir)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO corrections (article_id, issue_id, field, paragraph, before, after, editor, at, "
                 "issue_sha256, version) VALUES (?, ?, 'title', NULL, '旧', '新', 'wang', 't', 's', 2)", (ARTICLE, ISSUE))
    conn.execute("INSERT INTO placements VALUES (1, ?, 's', 'review', ?, 'title', NULL, '旧', '新')", (ISSUE, ARTICLE))
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()

    migrated = open_database(data_dir)

    assert migrated.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 2
    assert migrated.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    row = migrated.execute("SELECT c.after, p.status, p.dismissed_by FROM corrections c JOIN placements p "
                           "ON p.correction_id = c.id").fetchone()
    assert tuple(row) == ("新", "review", None)
    migrated.execute("INSERT INTO corrections (article_id, issue_id, field, paragraph, before, after, editor, at, "
                     "issue_sha256, version) VALUES (?, ?, 'caption', 0, 'a', 'b', 'wang', 't', 's', 3)", (ARTICLE, ISSUE))
    with pytest.raises(sqlite3.IntegrityError):
        migrated.execute("INSERT INTO placements (correction_id, issue_id, issue_sha256, status, article_id, field, "
                         "before, after) VALUES (99, 'x', 's', 'applied', 'x/1', 'title', '', '')")
    migrated.close()
