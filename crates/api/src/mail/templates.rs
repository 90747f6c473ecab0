//! The mail templates: a name stored in `mail_outbox.template`, a typed payload, and the text of
//! each mail in English, French and German.
//!
//! Every template is one payload struct here. The enqueuer builds the struct and turns it into
//! an outbox row with its `to_mail` (the struct decides the JSON keys); the worker parses the
//! stored JSON back into the same struct and renders it with [`render`]. So the keys are written
//! down once, and a row the worker cannot parse is a permanent failure, not a retry loop.
//!
//! A rendered mail has a subject, a plain-text body and a simple HTML alternative. Both bodies
//! are produced from one list of [`Block`]s, and the HTML writer escapes every piece of text it
//! is given, so no variable (a display name, a request title) can inject markup. Variables are
//! also flattened to one line, so none can forge extra paragraphs or mail headers.
//!
//! Links are absolute: the enqueuer builds them under `settings.public_url` (see
//! [`portal_link`]) and the template only shows them. Only `http(s)` links are rendered.

use chrono::{DateTime, Datelike, Timelike, Utc};
use ordinavo_domain::locale::Locale;
use ordinavo_persistence::mail_outbox::NewMail;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// `portal_invitation`: payload [`InvitationMail`].
pub const PORTAL_INVITATION: &str = "portal_invitation";
/// `portal_password_reset`: payload [`PasswordResetMail`].
pub const PORTAL_PASSWORD_RESET: &str = "portal_password_reset";
/// `request_status_changed`: payload [`RequestStatusChangedMail`].
pub const REQUEST_STATUS_CHANGED: &str = "request_status_changed";
/// `report_shared`: payload [`ReportSharedMail`].
pub const REPORT_SHARED: &str = "report_shared";

/// Every template name the worker knows.
pub const TEMPLATE_NAMES: [&str; 4] = [
    PORTAL_INVITATION,
    PORTAL_PASSWORD_RESET,
    REQUEST_STATUS_CHANGED,
    REPORT_SHARED,
];

/// A mail ready to hand to a transport.
#[derive(Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The bodies hold one-time links: `Debug` shows the subject only.
impl std::fmt::Debug for RenderedMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderedMail")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Why a stored mail cannot be rendered. Both are permanent: retrying cannot help.
/// The messages never quote the payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error("unknown mail template {0:?}")]
    UnknownTemplate(String),
    #[error("payload does not fit template {template}: {reason}")]
    InvalidPayload {
        template: &'static str,
        reason: String,
    },
}

/// Renders the stored mail `template` in `locale` from its JSON `payload`.
pub fn render(
    template: &str,
    locale: Locale,
    payload: &Value,
) -> Result<RenderedMail, RenderError> {
    match template {
        PORTAL_INVITATION => parse::<InvitationMail>(PORTAL_INVITATION, payload)?.render(locale),
        PORTAL_PASSWORD_RESET => {
            parse::<PasswordResetMail>(PORTAL_PASSWORD_RESET, payload)?.render(locale)
        }
        REQUEST_STATUS_CHANGED => {
            parse::<RequestStatusChangedMail>(REQUEST_STATUS_CHANGED, payload)?.render(locale)
        }
        REPORT_SHARED => parse::<ReportSharedMail>(REPORT_SHARED, payload)?.render(locale),
        other => Err(RenderError::UnknownTemplate(one_line(other))),
    }
}

/// An absolute link under the portal's public URL, e.g.
/// `portal_link(&settings.public_url, &format!("invite/{token}"))`; works whether or not
/// `public_url` has a path prefix or a trailing slash.
pub fn portal_link(public_url: &url::Url, path: &str) -> String {
    format!(
        "{}/{}",
        public_url.as_str().trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

fn parse<T: DeserializeOwned>(template: &'static str, payload: &Value) -> Result<T, RenderError> {
    T::deserialize(payload).map_err(|e| {
        // serde's "invalid type" messages quote the offending value; only the "missing field"
        // ones are safe to keep (they name a key, never a value).
        let message = e.to_string();
        let reason = if message.starts_with("missing field") {
            message
        } else {
            "a field has the wrong type or format".to_string()
        };
        RenderError::InvalidPayload { template, reason }
    })
}

/// The invitation to the portal (`portal_invitation`).
#[derive(Clone, Deserialize)]
pub struct InvitationMail {
    /// How to greet the recipient.
    pub display_name: String,
    /// The staff member who sent the invitation, when it should be named.
    #[serde(default)]
    pub inviter_name: Option<String>,
    /// The customer or partner company the recipient is given access to.
    #[serde(default)]
    pub company_name: Option<String>,
    /// The absolute one-time link, e.g. `{public_url}/invite/{token}`.
    pub link: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// The password reset (`portal_password_reset`).
#[derive(Clone, Deserialize)]
pub struct PasswordResetMail {
    pub display_name: String,
    /// The absolute one-time link, e.g. `{public_url}/reset-password/{token}`.
    pub link: String,
    /// How long the link works, in minutes.
    pub expires_minutes: u32,
}

/// A change of a service request's public status (`request_status_changed`).
#[derive(Clone, Deserialize)]
pub struct RequestStatusChangedMail {
    pub display_name: String,
    pub request_title: String,
    /// The public status label, already in the recipient's language (the domain's labels).
    pub status_label: String,
    /// The customer-facing reason staff gave (e.g. for a rejection), if any.
    #[serde(default)]
    pub public_reason: Option<String>,
    /// The absolute link to the request in the portal.
    pub link: String,
}

/// A visit report was shared in the portal (`report_shared`).
#[derive(Clone, Deserialize)]
pub struct ReportSharedMail {
    pub display_name: String,
    /// The report's portal title (the customer-facing text staff wrote at publish time).
    pub report_title: String,
    /// The location the visit was at.
    pub location_name: String,
    /// The absolute link to the report in the portal.
    pub link: String,
}

macro_rules! debug_without_link {
    ($name:ident { $($field:ident),* }) => {
        /// The link is a credential: `Debug` leaves it out.
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($field), &self.$field))*
                    .finish_non_exhaustive()
            }
        }
    };
}

debug_without_link!(InvitationMail {
    display_name,
    inviter_name,
    company_name,
    expires_at
});
debug_without_link!(PasswordResetMail {
    display_name,
    expires_minutes
});
debug_without_link!(ReportSharedMail {
    display_name,
    report_title,
    location_name
});
debug_without_link!(RequestStatusChangedMail {
    display_name,
    request_title,
    status_label,
    public_reason
});

fn new_mail(template: &'static str, to: String, locale: Locale, payload: Value) -> NewMail {
    NewMail {
        to_address: to,
        template,
        locale,
        payload,
    }
}

impl InvitationMail {
    /// The outbox row for this mail, to pass to `mail_outbox::enqueue` in the transaction that
    /// creates the invitation.
    pub fn to_mail(&self, to_address: impl Into<String>, locale: Locale) -> NewMail {
        let mut payload = json!({
            "display_name": self.display_name,
            "link": self.link,
            "expires_at": self.expires_at,
        });
        if let Some(name) = &self.inviter_name {
            payload["inviter_name"] = json!(name);
        }
        if let Some(name) = &self.company_name {
            payload["company_name"] = json!(name);
        }
        new_mail(PORTAL_INVITATION, to_address.into(), locale, payload)
    }

    /// This mail in `locale`.
    pub fn render(&self, locale: Locale) -> Result<RenderedMail, RenderError> {
        let link = checked_link(PORTAL_INVITATION, &self.link)?;
        let name = one_line(&self.display_name);
        let inviter = self.inviter_name.as_deref().map(one_line);
        let company = self.company_name.as_deref().map(one_line);
        let until = format_datetime(self.expires_at, locale);
        let content = match locale {
            Locale::En => Content {
                subject: match &company {
                    Some(c) => format!("Your invitation to the Ordinavo customer portal for {c}"),
                    None => "Your invitation to the Ordinavo customer portal".into(),
                },
                greeting: format!("Hello {name},"),
                blocks: vec![
                    Block::Para(match (&inviter, &company) {
                        (Some(i), Some(c)) => {
                            format!("{i} has invited you to the Ordinavo customer portal for {c}.")
                        }
                        (Some(i), None) => {
                            format!("{i} has invited you to the Ordinavo customer portal.")
                        }
                        (None, Some(c)) => {
                            format!(
                                "You have been invited to the Ordinavo customer portal for {c}."
                            )
                        }
                        (None, None) => {
                            "You have been invited to the Ordinavo customer portal.".into()
                        }
                    }),
                    Block::Para(
                        "In the portal you can submit service requests and follow their \
                         progress, see your upcoming appointments and read visit reports."
                            .into(),
                    ),
                    Block::Action {
                        intro: "To accept the invitation and choose your password, open this link:"
                            .into(),
                        label: "Accept the invitation".into(),
                        url: link,
                    },
                    Block::Para(format!(
                        "The link can be used only once and is valid until {until}."
                    )),
                    Block::Note(
                        "If you were not expecting this invitation, you can safely ignore this \
                         email."
                            .into(),
                    ),
                ],
            },
            Locale::Fr => Content {
                subject: match &company {
                    Some(c) => format!("Votre invitation au portail client Ordinavo pour {c}"),
                    None => "Votre invitation au portail client Ordinavo".into(),
                },
                greeting: format!("Bonjour {name},"),
                blocks: vec![
                    Block::Para(match (&inviter, &company) {
                        (Some(i), Some(c)) => format!(
                            "{i} vous invite à rejoindre le portail client Ordinavo pour {c}."
                        ),
                        (Some(i), None) => {
                            format!("{i} vous invite à rejoindre le portail client Ordinavo.")
                        }
                        (None, Some(c)) => format!(
                            "Vous avez reçu une invitation à rejoindre le portail client \
                             Ordinavo pour {c}."
                        ),
                        (None, None) => "Vous avez reçu une invitation à rejoindre le portail \
                                         client Ordinavo."
                            .into(),
                    }),
                    Block::Para(
                        "Sur le portail, vous pouvez déposer des demandes d’intervention et \
                         suivre leur avancement, consulter vos prochains rendez-vous et lire les \
                         rapports de visite."
                            .into(),
                    ),
                    Block::Action {
                        intro: "Pour accepter l’invitation et choisir votre mot de passe, ouvrez \
                                ce lien\u{a0}:"
                            .into(),
                        label: "Accepter l’invitation".into(),
                        url: link,
                    },
                    Block::Para(format!(
                        "Ce lien n’est utilisable qu’une seule fois et reste valable jusqu’au \
                         {until}."
                    )),
                    Block::Note(
                        "Si vous n’attendiez pas cette invitation, vous pouvez ignorer ce message."
                            .into(),
                    ),
                ],
            },
            Locale::De => Content {
                subject: match &company {
                    Some(c) => format!("Ihre Einladung zum Ordinavo-Kundenportal für {c}"),
                    None => "Ihre Einladung zum Ordinavo-Kundenportal".into(),
                },
                greeting: format!("Guten Tag {name},"),
                blocks: vec![
                    Block::Para(match (&inviter, &company) {
                        (Some(i), Some(c)) => {
                            format!("{i} hat Sie zum Ordinavo-Kundenportal für {c} eingeladen.")
                        }
                        (Some(i), None) => {
                            format!("{i} hat Sie zum Ordinavo-Kundenportal eingeladen.")
                        }
                        (None, Some(c)) => {
                            format!("Sie wurden zum Ordinavo-Kundenportal für {c} eingeladen.")
                        }
                        (None, None) => "Sie wurden zum Ordinavo-Kundenportal eingeladen.".into(),
                    }),
                    Block::Para(
                        "Im Portal können Sie Serviceanfragen stellen und ihren Fortschritt \
                         verfolgen, Ihre anstehenden Termine einsehen und Besuchsberichte lesen."
                            .into(),
                    ),
                    Block::Action {
                        intro: "Um die Einladung anzunehmen und Ihr Passwort festzulegen, öffnen \
                                Sie diesen Link:"
                            .into(),
                        label: "Einladung annehmen".into(),
                        url: link,
                    },
                    Block::Para(format!(
                        "Der Link kann nur einmal verwendet werden und ist bis zum {until} gültig."
                    )),
                    Block::Note(
                        "Falls Sie diese Einladung nicht erwartet haben, können Sie diese E-Mail \
                         einfach ignorieren."
                            .into(),
                    ),
                ],
            },
        };
        Ok(content.render(locale))
    }
}

impl PasswordResetMail {
    /// The outbox row for this mail, to pass to `mail_outbox::enqueue` in the transaction that
    /// creates the reset token.
    pub fn to_mail(&self, to_address: impl Into<String>, locale: Locale) -> NewMail {
        let payload = json!({
            "display_name": self.display_name,
            "link": self.link,
            "expires_minutes": self.expires_minutes,
        });
        new_mail(PORTAL_PASSWORD_RESET, to_address.into(), locale, payload)
    }

    /// This mail in `locale`.
    pub fn render(&self, locale: Locale) -> Result<RenderedMail, RenderError> {
        let link = checked_link(PORTAL_PASSWORD_RESET, &self.link)?;
        let name = one_line(&self.display_name);
        let n = self.expires_minutes;
        let content = match locale {
            Locale::En => Content {
                subject: "Reset your password for the Ordinavo customer portal".into(),
                greeting: format!("Hello {name},"),
                blocks: vec![
                    Block::Para(
                        "We received a request to reset the password of your Ordinavo customer \
                         portal account."
                            .into(),
                    ),
                    Block::Action {
                        intro: "To choose a new password, open this link:".into(),
                        label: "Choose a new password".into(),
                        url: link,
                    },
                    Block::Para(format!(
                        "The link can be used only once and expires in {n} {}.",
                        if n == 1 { "minute" } else { "minutes" }
                    )),
                    Block::Note(
                        "If you did not ask for this, you can ignore this email: your password \
                         stays unchanged."
                            .into(),
                    ),
                ],
            },
            Locale::Fr => Content {
                subject: "Réinitialisation de votre mot de passe du portail client Ordinavo".into(),
                greeting: format!("Bonjour {name},"),
                blocks: vec![
                    Block::Para(
                        "Nous avons reçu une demande de réinitialisation du mot de passe de votre \
                         compte sur le portail client Ordinavo."
                            .into(),
                    ),
                    Block::Action {
                        intro: "Pour choisir un nouveau mot de passe, ouvrez ce lien\u{a0}:".into(),
                        label: "Choisir un nouveau mot de passe".into(),
                        url: link,
                    },
                    Block::Para(format!(
                        "Ce lien n’est utilisable qu’une seule fois et expire dans {n} {}.",
                        if n == 1 { "minute" } else { "minutes" }
                    )),
                    Block::Note(
                        "Si vous n’êtes pas à l’origine de cette demande, ignorez simplement ce \
                         message\u{a0}: votre mot de passe reste inchangé."
                            .into(),
                    ),
                ],
            },
            Locale::De => Content {
                subject: "Passwort für das Ordinavo-Kundenportal zurücksetzen".into(),
                greeting: format!("Guten Tag {name},"),
                blocks: vec![
                    Block::Para(
                        "wir haben eine Anfrage erhalten, das Passwort Ihres Kontos im \
                         Ordinavo-Kundenportal zurückzusetzen."
                            .into(),
                    ),
                    Block::Action {
                        intro: "Um ein neues Passwort festzulegen, öffnen Sie diesen Link:".into(),
                        label: "Neues Passwort festlegen".into(),
                        url: link,
                    },
                    Block::Para(format!(
                        "Der Link kann nur einmal verwendet werden und ist {n} {} lang gültig.",
                        if n == 1 { "Minute" } else { "Minuten" }
                    )),
                    Block::Note(
                        "Falls Sie das nicht angefordert haben, können Sie diese E-Mail \
                         ignorieren – Ihr Passwort bleibt unverändert."
                            .into(),
                    ),
                ],
            },
        };
        Ok(content.render(locale))
    }
}

impl RequestStatusChangedMail {
    /// The outbox row for this mail.
    pub fn to_mail(&self, to_address: impl Into<String>, locale: Locale) -> NewMail {
        let mut payload = json!({
            "display_name": self.display_name,
            "request_title": self.request_title,
            "status_label": self.status_label,
            "link": self.link,
        });
        if let Some(reason) = &self.public_reason {
            payload["public_reason"] = json!(reason);
        }
        new_mail(REQUEST_STATUS_CHANGED, to_address.into(), locale, payload)
    }

    /// This mail in `locale`.
    pub fn render(&self, locale: Locale) -> Result<RenderedMail, RenderError> {
        let link = checked_link(REQUEST_STATUS_CHANGED, &self.link)?;
        let name = one_line(&self.display_name);
        let title = one_line(&self.request_title);
        let status = one_line(&self.status_label);
        let reason = self
            .public_reason
            .as_deref()
            .map(one_line)
            .filter(|r| !r.is_empty());
        let content = match locale {
            Locale::En => Content {
                subject: format!("Update on your request “{title}”"),
                greeting: format!("Hello {name},"),
                blocks: [
                    Some(Block::Para(format!(
                        "The status of your request “{title}” is now: {status}."
                    ))),
                    reason.map(|r| Block::Para(format!("Reason given: {r}"))),
                    Some(Block::Action {
                        intro: "You can see the details in the customer portal:".into(),
                        label: "View the request".into(),
                        url: link,
                    }),
                    Some(Block::Note(
                        "You receive this email because you follow this request in the Ordinavo \
                         customer portal. You can change your notification settings in your \
                         profile."
                            .into(),
                    )),
                ]
                .into_iter()
                .flatten()
                .collect(),
            },
            Locale::Fr => Content {
                subject: format!("Mise à jour de votre demande «\u{a0}{title}\u{a0}»"),
                greeting: format!("Bonjour {name},"),
                blocks: [
                    Some(Block::Para(format!(
                        "Le statut de votre demande «\u{a0}{title}\u{a0}» est désormais\u{a0}: \
                         {status}."
                    ))),
                    reason.map(|r| Block::Para(format!("Motif indiqué\u{a0}: {r}"))),
                    Some(Block::Action {
                        intro: "Retrouvez le détail sur le portail client\u{a0}:".into(),
                        label: "Voir la demande".into(),
                        url: link,
                    }),
                    Some(Block::Note(
                        "Vous recevez ce message parce que vous suivez cette demande sur le \
                         portail client Ordinavo. Vous pouvez modifier vos préférences de \
                         notification dans votre profil."
                            .into(),
                    )),
                ]
                .into_iter()
                .flatten()
                .collect(),
            },
            Locale::De => Content {
                subject: format!("Neuigkeiten zu Ihrer Anfrage „{title}“"),
                greeting: format!("Guten Tag {name},"),
                blocks: [
                    Some(Block::Para(format!(
                        "der Status Ihrer Anfrage „{title}“ lautet jetzt: {status}."
                    ))),
                    reason.map(|r| Block::Para(format!("Begründung: {r}"))),
                    Some(Block::Action {
                        intro: "Die Einzelheiten finden Sie im Kundenportal:".into(),
                        label: "Anfrage ansehen".into(),
                        url: link,
                    }),
                    Some(Block::Note(
                        "Sie erhalten diese E-Mail, weil Sie diese Anfrage im \
                         Ordinavo-Kundenportal verfolgen. Ihre Benachrichtigungseinstellungen \
                         können Sie in Ihrem Profil ändern."
                            .into(),
                    )),
                ]
                .into_iter()
                .flatten()
                .collect(),
            },
        };
        Ok(content.render(locale))
    }
}

impl ReportSharedMail {
    /// The outbox row for this mail.
    pub fn to_mail(&self, to_address: impl Into<String>, locale: Locale) -> NewMail {
        let payload = json!({
            "display_name": self.display_name,
            "report_title": self.report_title,
            "location_name": self.location_name,
            "link": self.link,
        });
        new_mail(REPORT_SHARED, to_address.into(), locale, payload)
    }

    /// This mail in `locale`.
    pub fn render(&self, locale: Locale) -> Result<RenderedMail, RenderError> {
        let link = checked_link(REPORT_SHARED, &self.link)?;
        let name = one_line(&self.display_name);
        let title = one_line(&self.report_title);
        let location = one_line(&self.location_name);
        let content = match locale {
            Locale::En => Content {
                subject: format!("New visit report: “{title}”"),
                greeting: format!("Hello {name},"),
                blocks: vec![
                    Block::Para(format!(
                        "A visit report for {location} has been shared with you: “{title}”."
                    )),
                    Block::Action {
                        intro: "You can read it in the customer portal:".into(),
                        label: "Read the report".into(),
                        url: link,
                    },
                    Block::Note(
                        "You receive this email because you follow visit reports in the Ordinavo \
                         customer portal. You can change your notification settings in your \
                         profile."
                            .into(),
                    ),
                ],
            },
            Locale::Fr => Content {
                subject: format!("Nouveau rapport de visite\u{a0}: «\u{a0}{title}\u{a0}»"),
                greeting: format!("Bonjour {name},"),
                blocks: vec![
                    Block::Para(format!(
                        "Un rapport de visite pour {location} a été partagé avec vous\u{a0}: \
                         «\u{a0}{title}\u{a0}»."
                    )),
                    Block::Action {
                        intro: "Vous pouvez le consulter sur le portail client\u{a0}:".into(),
                        label: "Lire le rapport".into(),
                        url: link,
                    },
                    Block::Note(
                        "Vous recevez ce message parce que vous suivez les rapports de visite sur \
                         le portail client Ordinavo. Vous pouvez modifier vos préférences de \
                         notification dans votre profil."
                            .into(),
                    ),
                ],
            },
            Locale::De => Content {
                subject: format!("Neuer Besuchsbericht: „{title}“"),
                greeting: format!("Guten Tag {name},"),
                blocks: vec![
                    Block::Para(format!(
                        "für {location} wurde ein Besuchsbericht für Sie freigegeben: „{title}“."
                    )),
                    Block::Action {
                        intro: "Sie können ihn im Kundenportal lesen:".into(),
                        label: "Bericht lesen".into(),
                        url: link,
                    },
                    Block::Note(
                        "Sie erhalten diese E-Mail, weil Sie Besuchsberichte im \
                         Ordinavo-Kundenportal verfolgen. Ihre Benachrichtigungseinstellungen \
                         können Sie in Ihrem Profil ändern."
                            .into(),
                    ),
                ],
            },
        };
        Ok(content.render(locale))
    }
}

/// One piece of a mail body. Text only: the HTML writer adds (and escapes) all markup.
#[derive(Debug, Clone)]
enum Block {
    /// A paragraph.
    Para(String),
    /// The mail's one link: an introducing sentence, a button label, the absolute URL.
    Action {
        intro: String,
        label: String,
        url: String,
    },
    /// A smaller closing remark.
    Note(String),
}

/// What a template says, before it is laid out as text and HTML.
struct Content {
    subject: String,
    greeting: String,
    blocks: Vec<Block>,
}

/// The words around every mail, per language.
struct Frame {
    sign_off: &'static str,
    signature: &'static str,
    automatic: &'static str,
    fallback: &'static str,
}

const fn frame(locale: Locale) -> Frame {
    match locale {
        Locale::En => Frame {
            sign_off: "Kind regards,",
            signature: "Ordinavo customer portal",
            automatic: "This message was sent automatically; replies are not read.",
            fallback: "If the button does not work, copy this address into your browser:",
        },
        Locale::Fr => Frame {
            sign_off: "Cordialement,",
            signature: "Le portail client Ordinavo",
            automatic: "Ce message a été envoyé automatiquement\u{a0}; merci de ne pas y répondre.",
            fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre \
                       navigateur\u{a0}:",
        },
        Locale::De => Frame {
            sign_off: "Freundliche Grüße",
            signature: "Ihr Ordinavo-Kundenportal",
            automatic: "Diese Nachricht wurde automatisch versendet; Antworten werden nicht \
                        gelesen.",
            fallback: "Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in \
                       Ihren Browser:",
        },
    }
}

impl Content {
    fn render(self, locale: Locale) -> RenderedMail {
        let text = self.text(locale);
        let html = self.html(locale);
        RenderedMail {
            subject: one_line(&self.subject),
            text,
            html,
        }
    }

    fn text(&self, locale: Locale) -> String {
        let frame = frame(locale);
        let mut out = format!("{}\n\n", self.greeting);
        for block in &self.blocks {
            match block {
                Block::Para(p) | Block::Note(p) => {
                    out.push_str(p);
                    out.push_str("\n\n");
                }
                Block::Action { intro, url, .. } => {
                    out.push_str(&format!("{intro}\n{url}\n\n"));
                }
            }
        }
        out.push_str(&format!(
            "{}\n{}\n\n-- \n{}\n",
            frame.sign_off, frame.signature, frame.automatic
        ));
        out
    }

    fn html(&self, locale: Locale) -> String {
        let frame = frame(locale);
        let mut body = format!("<p>{}</p>\n", escape(&self.greeting));
        for block in &self.blocks {
            match block {
                Block::Para(p) => body.push_str(&format!("<p>{}</p>\n", escape(p))),
                Block::Note(p) => body.push_str(&format!(
                    "<p style=\"color:#555555;font-size:14px\">{}</p>\n",
                    escape(p)
                )),
                Block::Action { intro, label, url } => {
                    let href = escape(url);
                    body.push_str(&format!(
                        "<p>{}</p>\n<p><a href=\"{href}\" style=\"display:inline-block;\
                         padding:10px 18px;background:#1d4ed8;color:#ffffff;\
                         text-decoration:none;border-radius:4px\">{}</a></p>\n\
                         <p style=\"color:#555555;font-size:14px\">{}<br>\
                         <a href=\"{href}\">{href}</a></p>\n",
                        escape(intro),
                        escape(label),
                        escape(frame.fallback),
                    ));
                }
            }
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n</head>\n\
             <body style=\"margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;\
             font-size:16px;line-height:1.5;color:#1f2937\">\n\
             <div style=\"max-width:600px;margin:0 auto\">\n{body}\
             <p>{sign_off}<br>{signature}</p>\n\
             <hr style=\"border:none;border-top:1px solid #dddddd\">\n\
             <p style=\"color:#777777;font-size:12px\">{automatic}</p>\n\
             </div>\n</body>\n</html>\n",
            lang = locale.as_str(),
            title = escape(&one_line(&self.subject)),
            sign_off = escape(frame.sign_off),
            signature = escape(frame.signature),
            automatic = escape(frame.automatic),
        )
    }
}

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A variable flattened to one trimmed line: control characters (newlines included) become
/// spaces, so a value can neither add paragraphs to the text body nor lines to a header.
fn one_line(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The link if it is an absolute `http(s)` URL (anything else, `javascript:` included, is a
/// permanent payload error).
fn checked_link(template: &'static str, link: &str) -> Result<String, RenderError> {
    match url::Url::parse(link.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            Ok(url.to_string())
        }
        _ => Err(RenderError::InvalidPayload {
            template,
            reason: "link is not an absolute http(s) URL".into(),
        }),
    }
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];

/// A date and time the way each language writes it in running text (UTC: the portal does not
/// know the recipient's time zone when it enqueues), e.g. `14 March 2025 at 09:30 UTC`,
/// `1er mars 2025 à 9 h 30 UTC`, `14. März 2025 um 09:30 Uhr (UTC)`.
fn format_datetime(t: DateTime<Utc>, locale: Locale) -> String {
    let (day, year, hour, minute) = (t.day(), t.year(), t.hour(), t.minute());
    let month = t.month0() as usize;
    match locale {
        Locale::En => format!(
            "{day} {} {year} at {hour:02}:{minute:02} UTC",
            MONTHS_EN.get(month).copied().unwrap_or_default()
        ),
        Locale::Fr => format!(
            "{}\u{a0}{} {year} à {hour}\u{a0}h\u{a0}{minute:02} UTC",
            if day == 1 {
                "1er".to_string()
            } else {
                day.to_string()
            },
            MONTHS_FR.get(month).copied().unwrap_or_default()
        ),
        Locale::De => format!(
            "{day}.\u{a0}{} {year} um {hour:02}:{minute:02}\u{a0}Uhr (UTC)",
            MONTHS_DE.get(month).copied().unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn invitation() -> InvitationMail {
        InvitationMail {
            display_name: "Jeanne Dupont".into(),
            inviter_name: Some("Max Muster".into()),
            company_name: Some("Hôtel du Lac".into()),
            link: "https://portal.example.com/invite/tok3n".into(),
            expires_at: at(2025, 3, 1, 9, 30),
        }
    }

    fn reset() -> PasswordResetMail {
        PasswordResetMail {
            display_name: "Jeanne".into(),
            link: "https://portal.example.com/reset-password/tok3n".into(),
            expires_minutes: 30,
        }
    }

    fn status_changed() -> RequestStatusChangedMail {
        RequestStatusChangedMail {
            display_name: "Jeanne".into(),
            request_title: "Leaking tap".into(),
            status_label: "Rejected".into(),
            public_reason: Some("Outside the contract".into()),
            link: "https://portal.example.com/requests/42".into(),
        }
    }

    fn report_shared() -> ReportSharedMail {
        ReportSharedMail {
            display_name: "Jeanne".into(),
            report_title: "Boiler service".into(),
            location_name: "Hôtel du Lac".into(),
            link: "https://portal.example.com/reports/42".into(),
        }
    }

    fn every_mail() -> Vec<NewMail> {
        vec![
            invitation().to_mail("a@example.com", Locale::En),
            reset().to_mail("a@example.com", Locale::En),
            status_changed().to_mail("a@example.com", Locale::En),
            report_shared().to_mail("a@example.com", Locale::En),
        ]
    }

    #[test]
    fn every_template_renders_in_every_language_from_its_own_payload() {
        let mails = every_mail();
        assert_eq!(
            mails.iter().map(|m| m.template).collect::<Vec<_>>(),
            TEMPLATE_NAMES.to_vec()
        );
        for mail in &mails {
            let en = render(mail.template, Locale::En, &mail.payload).unwrap();
            for locale in Locale::ALL.iter().copied() {
                let r = render(mail.template, locale, &mail.payload).unwrap();
                assert!(!r.subject.is_empty());
                assert!(r.text.contains("https://portal.example.com/"), "{locale}");
                assert!(r.html.contains("href=\"https://portal.example.com/"));
                assert!(r.html.contains(&format!("<html lang=\"{locale}\">")));
                if locale != Locale::En {
                    assert_ne!(r.subject, en.subject, "{} {locale}", mail.template);
                    assert_ne!(r.text, en.text);
                }
            }
        }
    }

    #[test]
    fn subjects_are_natural_french_and_german() {
        let fr = invitation().render(Locale::Fr).unwrap();
        assert_eq!(
            fr.subject,
            "Votre invitation au portail client Ordinavo pour Hôtel du Lac"
        );
        assert!(fr.text.contains("Max Muster vous invite à rejoindre"));
        assert!(
            fr.text
                .contains("jusqu’au 1er\u{a0}mars 2025 à 9\u{a0}h\u{a0}30 UTC")
        );
        let de = reset().render(Locale::De).unwrap();
        assert_eq!(
            de.subject,
            "Passwort für das Ordinavo-Kundenportal zurücksetzen"
        );
        assert!(de.text.contains("ist 30 Minuten lang gültig"));
        let de = invitation().render(Locale::De).unwrap();
        assert!(
            de.text
                .contains("bis zum 1.\u{a0}März 2025 um 09:30\u{a0}Uhr (UTC) gültig")
        );
    }

    #[test]
    fn html_escapes_every_variable() {
        let mut mail = status_changed();
        mail.display_name = "<script>alert('x')</script>".into();
        mail.request_title = "\"><img src=x onerror=alert(1)> & co".into();
        let r = mail.render(Locale::En).unwrap();
        assert!(!r.html.contains("<script>"));
        assert!(!r.html.contains("<img"));
        assert!(
            r.html
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
        );
        assert!(
            r.html
                .contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; co")
        );
        // The plain-text body is not HTML: it shows the name as typed.
        assert!(r.text.contains("Hello <script>alert('x')</script>,"));
    }

    #[test]
    fn variables_cannot_add_lines_to_the_subject_or_the_body() {
        let mut mail = status_changed();
        mail.request_title = "Tap\r\nBcc: evil@example.com".into();
        let r = mail.render(Locale::En).unwrap();
        assert!(!r.subject.contains('\n') && !r.subject.contains('\r'));
        assert!(r.text.contains("“Tap  Bcc: evil@example.com”"));
    }

    #[test]
    fn an_unknown_template_is_a_permanent_error() {
        let err = render("portal_welcome", Locale::En, &json!({})).unwrap_err();
        assert_eq!(err, RenderError::UnknownTemplate("portal_welcome".into()));
    }

    #[test]
    fn a_payload_error_names_the_missing_key_but_never_quotes_a_value() {
        let err = render(PORTAL_INVITATION, Locale::En, &json!({"display_name": "A"})).unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
        let mut payload = reset().to_mail("a@example.com", Locale::En).payload;
        payload["expires_minutes"] = json!("secret-looking-value");
        let err = render(PORTAL_PASSWORD_RESET, Locale::En, &payload).unwrap_err();
        assert!(!err.to_string().contains("secret-looking-value"), "{err}");
    }

    #[test]
    fn only_absolute_http_links_are_rendered() {
        for bad in ["javascript:alert(1)", "/invite/abc", "data:text/html,x"] {
            let mut mail = invitation();
            mail.link = bad.into();
            assert!(mail.render(Locale::En).is_err(), "{bad}");
        }
    }

    #[test]
    fn optional_fields_may_be_left_out() {
        let mut mail = invitation();
        mail.inviter_name = None;
        mail.company_name = None;
        let payload = mail.to_mail("a@example.com", Locale::Fr).payload;
        assert!(payload.get("inviter_name").is_none());
        let r = render(PORTAL_INVITATION, Locale::Fr, &payload).unwrap();
        assert_eq!(r.subject, "Votre invitation au portail client Ordinavo");
        assert!(r.text.contains("Vous avez reçu une invitation"));
    }

    #[test]
    fn debug_output_never_shows_a_link() {
        assert!(!format!("{:?}", invitation()).contains("tok3n"));
        assert!(!format!("{:?}", reset()).contains("tok3n"));
        assert!(!format!("{:?}", invitation().render(Locale::En).unwrap()).contains("tok3n"));
    }

    #[test]
    fn portal_links_join_with_exactly_one_slash() {
        let base: url::Url = "https://portal.example.com/app/".parse().unwrap();
        assert_eq!(
            portal_link(&base, "/invite/abc"),
            "https://portal.example.com/app/invite/abc"
        );
        let base: url::Url = "http://127.0.0.1:8080".parse().unwrap();
        assert_eq!(
            portal_link(&base, "invite/abc"),
            "http://127.0.0.1:8080/invite/abc"
        );
    }
}
