//! The command line as a script would use it: the real binary against a
//! fresh database (SQLite, or PostgreSQL when TAIZHANG_PG_URL is set).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};

use taizhang_store::testing::TestDb;

#[path = "common/tools.rs"]
mod tools;

const PASSWORD: &str = "cli-demo-password";

fn taizhang(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_taizhang"))
        .args(["--database-url", &db.url])
        .args(args)
        .env("TAIZHANG_ADMIN_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run taizhang")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn demo_loads_once_and_the_audit_log_verifies() {
    let db = TestDb::new();
    let first = taizhang(&db, &["demo", "--no-serve"]);
    assert!(first.status.success(), "{first:?}");
    let text = stdout(&first);
    assert!(text.contains("已载入演示数据“X矿矿区”"), "{text}");
    assert!(text.contains(&format!("用户名 admin，密码 {PASSWORD}")), "{text}");

    let again = taizhang(&db, &["demo", "--no-serve"]);
    assert!(stdout(&again).contains("未重复载入"), "{}", stdout(&again));

    let verify = taizhang(&db, &["audit", "verify"]);
    assert!(verify.status.success());
    assert!(stdout(&verify).contains("审计日志完整"), "{}", stdout(&verify));
}

#[test]
fn user_add_checks_its_input() {
    let db = TestDb::new();
    assert!(taizhang(&db, &["demo", "--no-serve"]).status.success());
    let ok = taizhang(
        &db,
        &[
            "user",
            "add",
            "--username",
            "wgy1",
            "--name",
            "网格员一",
            "--org",
            "第一社区第一网格",
            "--password",
            "grid-pass-1",
        ],
    );
    assert!(ok.status.success(), "{ok:?}");
    assert!(stdout(&ok).contains("已创建用户 wgy1（录入员，第一社区第一网格）"), "{}", stdout(&ok));

    let generated = taizhang(&db, &["user", "add", "--username", "wgy2", "--name", "网格员二", "--org", "第一社区"]);
    assert!(stdout(&generated).contains("密码："), "{}", stdout(&generated));

    let bad = taizhang(&db, &["user", "add", "--username", "X", "--name", "", "--org", "第一社区", "--role", "king"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("用户名应为") && err.contains("请选择角色"), "{err}");

    let unknown = taizhang(&db, &["user", "add", "--username", "abc", "--name", "甲", "--org", "不存在的单位"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--org"));
}

#[test]
fn audit_verify_finds_tampering() {
    let db = TestDb::new();
    assert!(taizhang(&db, &["demo", "--no-serve"]).status.success());
    let unguard = if db.is_postgres() {
        "DROP TRIGGER audit_log_no_change ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
    };
    db.execute_raw(unguard).unwrap();
    db.execute_raw("DELETE FROM audit_log WHERE id = 5").unwrap();
    let verify = taizhang(&db, &["audit", "verify"]);
    assert_eq!(verify.status.code(), Some(2));
    assert!(stdout(&verify).contains("审计日志被篡改：第6条记录之前的记录被删除或插入"), "{}", stdout(&verify));
}

#[test]
fn demo_serves_and_prints_its_address() {
    let db = TestDb::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_taizhang"))
        .args(["--database-url", &db.url, "demo", "--listen", "127.0.0.1:0"])
        .env("TAIZHANG_ADMIN_PASSWORD", PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start demo");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("the demo printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("台账已启动：http://") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    write!(stream, "GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");
}

#[test]
fn an_unknown_database_scheme_is_refused_clearly() {
    let o = Command::new(env!("CARGO_BIN_EXE_taizhang"))
        .args(["--database-url", "mysql://localhost/x", "migrate"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("不支持的数据库地址"));
}

#[test]
fn summary_writes_each_format_and_refuses_bad_input() {
    let db = TestDb::new();
    assert!(taizhang(&db, &["demo", "--no-serve"]).status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let pdf = tools::available("the summary as PDF", &[tools::SOFFICE]);
    for (name, starts) in [
        ("s.docx", &b"PK"[..]),
        ("s.pdf", b"%PDF"),
        ("s.md", "# 2020年上半年".as_bytes()),
        ("s.html", b"<!doctype html>"),
    ] {
        if name == "s.pdf" && !pdf {
            continue;
        }
        let out = taizhang(&db, &["summary", "--org", "X矿矿区党委", "--period", "2020H1", "-o", &file(name)]);
        assert!(out.status.success(), "{out:?}");
        assert!(stdout(&out).contains("已生成“2020年上半年X矿矿区宣传思想文化工作总结”"), "{}", stdout(&out));
        assert!(std::fs::read(file(name)).unwrap().starts_with(starts), "{name}");
    }
    let md = std::fs::read_to_string(file("s.md")).unwrap();
    assert!(md.contains("党委理论学习中心组学习4次") && md.contains("志愿服务活动7次"), "{md}");
    let bad = taizhang(&db, &["summary", "--org", "X矿矿区党委", "--period", "2020H3", "-o", &file("x.docx")]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--period"), "{bad:?}");
    let bad = taizhang(&db, &["summary", "--org", "没有这个组织", "--period", "2020H1", "-o", &file("x.docx")]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--org"), "{bad:?}");
    let bad = taizhang(&db, &["summary", "--org", "X矿矿区党委", "--period", "2020H1", "-o", &file("x.odt")]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("不支持的格式“odt”"), "{bad:?}");
    assert!(!std::path::Path::new(&file("x.docx")).exists(), "nothing written on error");
}

#[test]
fn import_roster_prints_counts_or_every_bad_row() {
    let db = TestDb::new();
    assert!(taizhang(&db, &["demo", "--no-serve"]).status.success());
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let id = |birth: &str| {
        let first17 = format!("459003{birth}001");
        format!("{first17}{}", taizhang_core::id_number::check_char(&first17).unwrap())
    };
    let good = format!(
        "2020年花名册\n名字,公民证号,家庭住址,网格,与户主关系\n张三,{},测试楼1号,第一社区第一网格,户主\n张小三,{},测试楼1号,第一社区第一网格,子女\n",
        id("19800101"),
        id("20100101")
    );
    std::fs::write(path("good.csv"), good).unwrap();
    let out =
        taizhang(&db, &["import", "roster", "--org", "X矿矿区党委", "--map", "身份证号=公民证号", &path("good.csv")]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("新增 2 人，变更 0 人，未变 0 人，新建 1 户"), "{}", stdout(&out));
    let again =
        taizhang(&db, &["import", "roster", "--org", "X矿矿区党委", "--map", "身份证号=公民证号", &path("good.csv")]);
    assert!(stdout(&again).contains("新增 0 人，变更 0 人，未变 2 人"), "{}", stdout(&again));

    std::fs::write(path("bad.csv"), "姓名,身份证号,住址,所属网格\n李四,123,测试楼2号,第一社区第一网格\n").unwrap();
    let out = taizhang(
        &db,
        &["import", "roster", "--org", "X矿矿区党委", "--report", &path("report.xlsx"), &path("bad.csv")],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("第2行“身份证号”") && err.contains("整个文件均未导入"), "{err}");
    // The report is the file itself, marked (a 错误说明 column), with the list on a second sheet.
    let report = std::fs::read(path("report.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(report)).unwrap();
    let mut text = |name: &str| std::io::read_to_string(zip.by_name(name).unwrap()).unwrap();
    assert!(text("xl/workbook.xml").contains("错误清单"));
    assert!(text("xl/sharedStrings.xml").contains("错误说明"));
}

#[test]
fn backup_and_restore_round_trip() {
    let db = TestDb::new();
    assert!(taizhang(&db, &["demo", "--no-serve"]).status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(if db.is_postgres() { "taizhang.dump" } else { "taizhang.db" });
    let file = file.to_string_lossy().into_owned();
    let entries = |o: &Output| stdout(o).split("共 ").nth(1).and_then(|s| s.split(' ').next()).map(str::to_owned);
    let before = taizhang(&db, &["audit", "verify"]);
    let out = taizhang(&db, &["backup", "-o", &file]);
    assert!(out.status.success(), "{out:?}");
    let twice = taizhang(&db, &["backup", "-o", &file]);
    assert!(!twice.status.success(), "an existing file is not overwritten");
    assert!(String::from_utf8_lossy(&twice.stderr).contains("已存在"), "{twice:?}");
    // A change after the backup, then the backup put back.
    let add = taizhang(
        &db,
        &[
            "user",
            "add",
            "--username",
            "later",
            "--name",
            "后来者",
            "--org",
            "X矿矿区党委",
            "--password",
            "a-long-password-1",
        ],
    );
    assert!(add.status.success(), "{add:?}");
    let refused = taizhang(&db, &["restore", &file]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"), "{refused:?}");
    let out = taizhang(&db, &["restore", "--force", &file]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("哈希链完整"), "{}", stdout(&out));
    let after = taizhang(&db, &["audit", "verify"]);
    assert_eq!(entries(&after), entries(&before), "the audit log is as it was at the backup");
    let again = taizhang(
        &db,
        &[
            "user",
            "add",
            "--username",
            "later",
            "--name",
            "后来者",
            "--org",
            "X矿矿区党委",
            "--password",
            "a-long-password-1",
        ],
    );
    assert!(again.status.success(), "the account added after the backup is gone: {again:?}");
}
