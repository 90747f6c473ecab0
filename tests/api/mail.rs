//! The mail outbox worker: file and SMTP delivery, localized rendering, retries after an
//! outage, the lease that keeps concurrent workers from sending one mail twice, and the
//! one-time links that must not stay in the database.
//!
//! Most tests drive single passes (`send_due`) over a fresh database of their own, with the
//! clock they choose: a running server's background worker would race them for the rows. One
//! test checks that background worker through `TestApp`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use ordinavo_api::mail::{
    self, InvitationMail, MailTransport, Mailer, PasswordResetMail, WorkerOptions,
};
use ordinavo_domain::ids::OutboxId;
use ordinavo_domain::locale::Locale;
use ordinavo_persistence::mail_outbox::{self, NewMail, OutboxRow};
use ordinavo_persistence::testing::fresh_db;
use ordinavo_persistence::{Db, time};
use ordinavo_tests::TestApp;
use serde_json::json;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

const FROM: &str = "Ordinavo Customer Portal <portal@ordinavo.test>";
const TOKEN: &str = "tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0";

/// A fresh database and data directory, no server.
struct Bed {
    db: Db,
    tmp: TempDir,
}

impl Bed {
    async fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let db = fresh_db(tmp.path()).await.expect("test database");
        Bed { db, tmp }
    }

    fn mail_dir(&self) -> std::path::PathBuf {
        self.tmp.path().join("mail")
    }

    fn file_mailer(&self) -> Mailer {
        mailer(MailTransport::files(self.mail_dir()))
    }

    async fn enqueue(&self, mail: &NewMail) -> OutboxId {
        mail_outbox::enqueue(self.db.exec(), mail).await.unwrap()
    }

    async fn row(&self, id: OutboxId) -> OutboxRow {
        mail_outbox::find(self.db.exec(), id).await.unwrap()
    }

    fn eml(&self, id: OutboxId) -> Eml {
        let raw = std::fs::read(self.mail_dir().join(format!("{id}.eml"))).expect("eml file");
        Eml::parse(&String::from_utf8(raw).unwrap())
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn mailer(transport: MailTransport) -> Mailer {
    Mailer::new(transport, FROM.parse().unwrap(), WorkerOptions::default())
}

fn smtp_mailer(sink: &SmtpSink) -> Mailer {
    mailer(MailTransport::smtp(&sink.url()).unwrap())
}

fn invitation(to: &str, locale: Locale, display_name: &str) -> NewMail {
    InvitationMail {
        display_name: display_name.into(),
        inviter_name: Some("Max Muster".into()),
        company_name: None,
        link: format!("http://127.0.0.1:8080/invite/{TOKEN}"),
        expires_at: time::now() + secs(7 * 86_400),
    }
    .to_mail(to, locale)
}

fn reset(to: &str, locale: Locale) -> NewMail {
    PasswordResetMail {
        display_name: "Jonas Weiß".into(),
        link: format!("http://127.0.0.1:8080/reset-password/{TOKEN}"),
        expires_minutes: 30,
    }
    .to_mail(to, locale)
}

fn assert_sent_without_link(row: &OutboxRow) {
    assert!(row.sent_at.is_some(), "not sent: {row:?}");
    assert_eq!(row.claimed_until, None);
    assert_eq!(row.last_error, None);
    assert_eq!(row.payload.0, json!({}));
}

#[tokio::test]
async fn file_transport_writes_one_eml_per_mail_in_the_recipients_language() {
    let bed = Bed::new().await;
    let fr = bed
        .enqueue(&invitation(
            "jeanne@example.fr",
            Locale::Fr,
            "Jeanne Dupont",
        ))
        .await;
    let de = bed.enqueue(&reset("jonas@example.de", Locale::De)).await;

    let sent = mail::send_due(&bed.db, &bed.file_mailer(), time::now())
        .await
        .unwrap();

    assert_eq!(sent, 2);
    let fr_mail = bed.eml(fr);
    assert_eq!(
        fr_mail.header("subject"),
        "Votre invitation au portail client Ordinavo"
    );
    assert_eq!(fr_mail.header("content-language"), "fr");
    assert!(fr_mail.header("to").contains("jeanne@example.fr"));
    let text = fr_mail.part("text/plain");
    assert!(text.contains("Bonjour Jeanne Dupont,"), "{text}");
    assert!(text.contains("Max Muster vous invite à rejoindre le portail client Ordinavo."));
    assert!(text.contains(&format!("http://127.0.0.1:8080/invite/{TOKEN}")));
    assert!(fr_mail.part("text/html").contains("lang=\"fr\""));

    let de_mail = bed.eml(de);
    assert_eq!(
        de_mail.header("subject"),
        "Passwort für das Ordinavo-Kundenportal zurücksetzen"
    );
    let text = de_mail.part("text/plain");
    assert!(text.contains("Guten Tag Jonas Weiß,"), "{text}");
    assert!(text.contains("ist 30 Minuten lang gültig"));

    assert_sent_without_link(&bed.row(fr).await);
    assert_sent_without_link(&bed.row(de).await);
    let again = mail::send_due(&bed.db, &bed.file_mailer(), time::now())
        .await
        .unwrap();
    assert_eq!(again, 0, "a sent mail is never sent again");
}

#[tokio::test]
async fn smtp_delivers_the_mail_marks_it_sent_and_forgets_the_link() {
    let bed = Bed::new().await;
    let sink = SmtpSink::start().await;
    let id = bed
        .enqueue(&invitation("ana@customer.example", Locale::En, "Ana"))
        .await;

    let sent = mail::send_due(&bed.db, &smtp_mailer(&sink), time::now())
        .await
        .unwrap();

    assert_eq!(sent, 1);
    let received = sink.received().await;
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert_eq!(message.mail_from, "portal@ordinavo.test");
    assert_eq!(message.rcpt_to, vec!["ana@customer.example".to_string()]);
    let eml = Eml::parse(&message.data);
    assert_eq!(
        eml.header("subject"),
        "Your invitation to the Ordinavo customer portal"
    );
    assert_eq!(eml.header("message-id"), format!("<{id}@ordinavo.test>"));
    assert!(
        eml.part("text/plain")
            .contains(&format!("http://127.0.0.1:8080/invite/{TOKEN}"))
    );

    let row = bed.row(id).await;
    assert_sent_without_link(&row);
    assert_eq!(row.attempts, 1);
    assert!(!format!("{:?}", row.payload.0).contains(TOKEN));
}

#[tokio::test]
async fn an_smtp_outage_delays_the_mail_and_it_is_delivered_exactly_once_later() {
    let bed = Bed::new().await;
    let id = bed
        .enqueue(&reset("ops@customer.example", Locale::Fr))
        .await;

    // 1. Nobody listens on the SMTP port.
    let down = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        mailer(MailTransport::smtp(&format!("smtp://127.0.0.1:{port}")).unwrap())
    };
    let before = time::now();
    assert_eq!(mail::send_due(&bed.db, &down, before).await.unwrap(), 0);
    let row = bed.row(id).await;
    assert_eq!(row.sent_at, None);
    assert_eq!(row.attempts, 1);
    assert_eq!(row.claimed_until, None);
    assert!(row.last_error.as_deref().is_some_and(|e| !e.is_empty()));
    assert!(!row.last_error.unwrap().contains(TOKEN));
    assert!(row.next_attempt_at > before, "retry must be in the future");
    assert!(row.next_attempt_at <= before + secs(31));
    assert_eq!(
        row.payload.0["link"].as_str().map(|l| l.contains(TOKEN)),
        Some(true)
    );

    // 2. Not due yet: a pass now leaves it alone.
    let sink = SmtpSink::start().await;
    let up = smtp_mailer(&sink);
    assert_eq!(mail::send_due(&bed.db, &up, time::now()).await.unwrap(), 0);
    assert!(sink.received().await.is_empty());

    // 3. Due, but the server answers 451 (try again later).
    sink.set_mode(SinkMode::Busy451);
    let due = row.next_attempt_at + secs(1);
    assert_eq!(mail::send_due(&bed.db, &up, due).await.unwrap(), 0);
    let row = bed.row(id).await;
    assert_eq!(row.attempts, 2);
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("451")
    );
    assert!(row.next_attempt_at > due + secs(47));
    assert!(row.next_attempt_at <= due + secs(61));

    // 4. The server is back: delivered once, and never again.
    sink.set_mode(SinkMode::Accept);
    let due = row.next_attempt_at + secs(1);
    assert_eq!(mail::send_due(&bed.db, &up, due).await.unwrap(), 1);
    let later = due + secs(2 * 3600);
    assert_eq!(mail::send_due(&bed.db, &up, later).await.unwrap(), 0);
    assert_eq!(sink.received().await.len(), 1);
    let row = bed.row(id).await;
    assert_sent_without_link(&row);
    assert_eq!(row.attempts, 3);
}

#[tokio::test]
async fn the_last_allowed_attempt_gives_up_and_blanks_the_link() {
    let bed = Bed::new().await;
    let id = bed
        .enqueue(&reset("ops@customer.example", Locale::En))
        .await;
    let sink = SmtpSink::start().await;
    sink.set_mode(SinkMode::Busy451);
    let mut mailer = smtp_mailer(&sink);
    mailer.options.max_attempts = 2;

    let first = mail::run_pass(&bed.db, &mailer, time::now()).await.unwrap();
    let due = bed.row(id).await.next_attempt_at + secs(1);
    let second = mail::run_pass(&bed.db, &mailer, due).await.unwrap();

    assert_eq!((first.retried, first.failed), (1, 0));
    assert_eq!((second.retried, second.failed), (0, 1));
    let row = bed.row(id).await;
    assert_eq!(row.sent_at, None);
    assert_eq!(row.attempts, 2);
    assert!(
        row.last_error
            .unwrap()
            .starts_with("gave up after 2 attempts")
    );
    assert_eq!(
        row.payload.0,
        json!({}),
        "no usable token stays in the database"
    );
    let much_later = due + secs(30 * 86_400);
    assert_eq!(
        mail::run_pass(&bed.db, &mailer, much_later)
            .await
            .unwrap()
            .claimed,
        0
    );
}

#[tokio::test]
async fn a_pass_hands_back_mail_it_has_no_lease_left_to_send() {
    let bed = Bed::new().await;
    let id = bed.enqueue(&reset("a@example.com", Locale::En)).await;
    let mut mailer = bed.file_mailer();
    mailer.options.lease = secs(60);
    mailer.options.lease_margin = secs(120);

    let report = mail::run_pass(&bed.db, &mailer, time::now()).await.unwrap();

    assert_eq!((report.claimed, report.released, report.sent), (1, 1, 0));
    let row = bed.row(id).await;
    assert_eq!(
        (row.attempts, row.claimed_until, row.sent_at),
        (0, None, None)
    );
    let sent = mail::send_due(&bed.db, &bed.file_mailer(), time::now())
        .await
        .unwrap();
    assert_eq!(sent, 1, "a released mail is claimable at once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_passes_deliver_each_mail_exactly_once() {
    let bed = Bed::new().await;
    let sink = SmtpSink::start().await;
    let mut ids = Vec::new();
    for i in 0..24 {
        let to = format!("user{i}@example.com");
        ids.push(bed.enqueue(&invitation(&to, Locale::En, "User")).await);
    }
    let mut small_batches = smtp_mailer(&sink);
    small_batches.options.batch_size = 3;

    let workers: Vec<_> = (0..4)
        .map(|_| {
            let db = bed.db.clone();
            let mailer = small_batches.clone();
            tokio::spawn(async move {
                let mut sent = 0;
                loop {
                    let report = mail::run_pass(&db, &mailer, time::now()).await.unwrap();
                    sent += report.sent;
                    if report.claimed == 0 {
                        return sent;
                    }
                }
            })
        })
        .collect();
    let mut total = 0;
    for worker in workers {
        total += worker.await.unwrap();
    }

    assert_eq!(total, 24);
    let mut recipients: Vec<String> = sink
        .received()
        .await
        .into_iter()
        .flat_map(|m| m.rcpt_to)
        .collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..24).map(|i| format!("user{i}@example.com")).collect();
    expected.sort();
    assert_eq!(recipients, expected, "every mail exactly once");
    for id in ids {
        assert_sent_without_link(&bed.row(id).await);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_never_lease_one_row_twice() {
    let bed = Bed::new().await;
    for i in 0..30 {
        bed.enqueue(&reset(&format!("u{i}@example.com"), Locale::En))
            .await;
    }
    let now = time::now();
    let lease = now + secs(5 * 60);

    let claims: Vec<_> = (0..8)
        .map(|_| {
            let db = bed.db.clone();
            tokio::spawn(async move {
                mail_outbox::claim_due(db.exec(), now, lease, 20, 5)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut leased = Vec::new();
    for claim in claims {
        leased.extend(claim.await.unwrap().into_iter().map(|m| m.id));
    }

    let count = leased.len();
    leased.sort();
    leased.dedup();
    assert_eq!(leased.len(), count, "a row was leased twice");
    assert_eq!(count, 30, "8 claims of 5 cover the 30 rows");
    let again = mail_outbox::claim_due(bed.db.exec(), now, lease, 20, 50)
        .await
        .unwrap();
    assert!(again.is_empty(), "leased rows are not claimable");
    let after_lease = lease + secs(1);
    let expired = mail_outbox::claim_due(bed.db.exec(), after_lease, after_lease, 20, 50)
        .await
        .unwrap();
    assert_eq!(
        expired.len(),
        30,
        "an expired lease frees the row (crash recovery)"
    );
}

#[tokio::test]
async fn the_html_alternative_escapes_a_script_in_the_display_name() {
    let bed = Bed::new().await;
    let name = "<script>alert('owned')</script> & Co";
    let id = bed
        .enqueue(&invitation("x@example.com", Locale::De, name))
        .await;

    mail::send_due(&bed.db, &bed.file_mailer(), time::now())
        .await
        .unwrap();

    let eml = bed.eml(id);
    let html = eml.part("text/html");
    assert!(!html.contains("<script"), "{html}");
    assert!(
        html.contains("Guten Tag &lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt; &amp; Co,")
    );
    assert!(html.contains(&format!("href=\"http://127.0.0.1:8080/invite/{TOKEN}\"")));
    assert!(
        eml.part("text/plain")
            .contains(&format!("Guten Tag {name},"))
    );
}

#[tokio::test]
async fn an_unknown_template_fails_for_good_instead_of_looping() {
    let bed = Bed::new().await;
    let id = bed
        .enqueue(&NewMail {
            to_address: "x@example.com".into(),
            template: "portal_welcome_v0",
            locale: Locale::En,
            payload: json!({"link": format!("http://h/{TOKEN}")}),
        })
        .await;
    let mailer = bed.file_mailer();

    let report = mail::run_pass(&bed.db, &mailer, time::now()).await.unwrap();

    assert_eq!((report.claimed, report.sent, report.failed), (1, 0, 1));
    let row = bed.row(id).await;
    assert_eq!(row.sent_at, None);
    assert_eq!(row.attempts, mailer.options.max_attempts);
    assert!(row.last_error.unwrap().contains("unknown mail template"));
    assert_eq!(row.payload.0, json!({}), "the link does not linger");
    let much_later = time::now() + secs(30 * 86_400);
    let report = mail::run_pass(&bed.db, &mailer, much_later).await.unwrap();
    assert_eq!(report.claimed, 0);
    assert!(!bed.mail_dir().exists());
}

#[tokio::test]
async fn an_invalid_recipient_address_fails_for_good() {
    let bed = Bed::new().await;
    let id = bed.enqueue(&reset("not an address", Locale::En)).await;

    let report = mail::run_pass(&bed.db, &bed.file_mailer(), time::now())
        .await
        .unwrap();

    assert_eq!(report.failed, 1);
    let row = bed.row(id).await;
    assert_eq!(row.payload.0, json!({}));
    assert!(!row.last_error.unwrap().contains("not an address"));
}

#[tokio::test]
async fn the_running_server_sends_enqueued_mail_as_eml_files_by_default() {
    let app = TestApp::spawn_with(ordinavo_tests::TestOptions {
        mail_worker: true,
        ..Default::default()
    })
    .await;
    let id = mail_outbox::enqueue(
        app.db.exec(),
        &invitation("lea@example.com", Locale::Fr, "Léa"),
    )
    .await
    .unwrap();

    let file = app.data_dir.join("mail").join(format!("{id}.eml"));
    let mut waited = Duration::ZERO;
    while !file.exists() && waited < Duration::from_secs(15) {
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
    assert!(
        file.exists(),
        "the background worker did not write {}",
        file.display()
    );
    let row = loop {
        let row = mail_outbox::find(app.db.exec(), id).await.unwrap();
        if row.sent_at.is_some() || waited > Duration::from_secs(15) {
            break row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += Duration::from_millis(50);
    };
    assert_sent_without_link(&row);
    let eml = Eml::parse(&std::fs::read_to_string(file).unwrap());
    assert_eq!(
        eml.header("subject"),
        "Votre invitation au portail client Ordinavo"
    );
}

// ---------------------------------------------------------------------------------------------
// A tiny SMTP server: enough of RFC 5321 for lettre, recording what it accepts.

#[derive(Debug, Clone)]
struct Received {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum SinkMode {
    Accept = 0,
    /// Answers `MAIL FROM` with `451` (a transient failure).
    Busy451 = 1,
}

struct SmtpSink {
    port: u16,
    mode: Arc<AtomicU8>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(AtomicU8::new(SinkMode::Accept as u8));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (m, r) = (mode.clone(), received.clone());
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(smtp_session(socket, m.clone(), r.clone()));
            }
        });
        SmtpSink {
            port,
            mode,
            received,
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn set_mode(&self, mode: SinkMode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
    }

    async fn received(&self) -> Vec<Received> {
        self.received.lock().await.clone()
    }
}

async fn smtp_session(
    socket: tokio::net::TcpStream,
    mode: Arc<AtomicU8>,
    received: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut current: Option<Received> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 sink.test\r\n"
        } else if let Some(rest) = upper.strip_prefix("MAIL FROM:") {
            if mode.load(Ordering::SeqCst) == SinkMode::Busy451 as u8 {
                b"451 4.3.0 Try again later\r\n"
            } else {
                let from = command[command.len() - rest.len()..].to_string();
                current = Some(Received {
                    mail_from: angle_address(&from),
                    rcpt_to: Vec::new(),
                    data: String::new(),
                });
                b"250 2.1.0 OK\r\n"
            }
        } else if let Some(rest) = upper.strip_prefix("RCPT TO:") {
            let to = command[command.len() - rest.len()..].to_string();
            match current.as_mut() {
                Some(m) => {
                    m.rcpt_to.push(angle_address(&to));
                    b"250 2.1.5 OK\r\n"
                }
                None => b"503 5.5.1 MAIL first\r\n",
            }
        } else if upper == "DATA" {
            if current.is_none() {
                write.write_all(b"503 5.5.1 MAIL first\r\n").await?;
                continue;
            }
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                let content = line.trim_end_matches(['\r', '\n']);
                if content == "." {
                    break;
                }
                // Undo dot-stuffing.
                data.push_str(content.strip_prefix('.').unwrap_or(content));
                data.push_str("\r\n");
            }
            if let Some(mut m) = current.take() {
                m.data = data;
                received.lock().await.push(m);
            }
            b"250 2.0.0 Queued\r\n"
        } else if upper == "RSET" {
            current = None;
            b"250 2.0.0 OK\r\n"
        } else if upper == "NOOP" {
            b"250 2.0.0 OK\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 2.0.0 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 5.5.2 Command not recognised\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// `<a@b> SIZE=1` -> `a@b`.
fn angle_address(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(start), Some(end)) if start < end => arg[start + 1..end].to_string(),
        _ => arg
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Just enough MIME to read what lettre writes: unfolded, decoded headers and decoded parts.

struct Eml {
    headers: Vec<(String, String)>,
    parts: Vec<(String, String)>,
}

impl Eml {
    fn parse(raw: &str) -> Self {
        let (head, body) = raw.split_once("\r\n\r\n").expect("header/body separator");
        let headers = parse_headers(head);
        let content_type = find_header(&headers, "content-type");
        let boundary = content_type
            .split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))
            .map(|b| b.trim_matches('"').to_string())
            .expect("a multipart mail");
        let delimiter = format!("--{boundary}");
        let parts = body
            .split(&delimiter)
            .skip(1)
            .filter(|p| !p.starts_with("--"))
            .map(|part| {
                let part = part.trim_start_matches("\r\n");
                let (head, body) = part.split_once("\r\n\r\n").expect("part separator");
                let headers = parse_headers(head);
                let kind = find_header(&headers, "content-type")
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase();
                let body = body.strip_suffix("\r\n").unwrap_or(body);
                let decoded = match find_header(&headers, "content-transfer-encoding")
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "quoted-printable" => qp_decode(body),
                    "base64" => String::from_utf8(b64_decode(body)).unwrap(),
                    _ => body.to_string(),
                };
                (kind, decoded)
            })
            .collect();
        Eml { headers, parts }
    }

    fn header(&self, name: &str) -> String {
        find_header(&self.headers, name)
    }

    fn part(&self, kind: &str) -> String {
        self.parts
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, body)| body.clone())
            .unwrap_or_else(|| panic!("no {kind} part"))
    }
}

fn parse_headers(head: &str) -> Vec<(String, String)> {
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded
        .split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), decode_words(v.trim())))
        .collect()
}

fn find_header(headers: &[(String, String)], name: &str) -> String {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`); whitespace between two
/// encoded words disappears, as the RFC says.
fn decode_words(value: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let word = &rest[start + 2..];
        let parsed = word.split_once('?').and_then(|(_charset, w)| {
            let (enc, w) = w.split_once('?')?;
            let (text, after) = w.split_once("?=")?;
            Some((enc.to_ascii_lowercase(), text, after))
        });
        let Some((enc, text, after)) = parsed else {
            break;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.extend_from_slice(before.as_bytes());
        }
        match enc.as_str() {
            "b" => out.extend(b64_decode(text)),
            _ => out.extend(qp_decode(&text.replace('_', " ")).into_bytes()),
        }
        last_was_word = true;
        rest = after;
    }
    out.extend_from_slice(rest.as_bytes());
    String::from_utf8(out).unwrap()
}

fn qp_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes[i + 1..].starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn b64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            continue; // padding and line breaks
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
