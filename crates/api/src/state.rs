//! Shared application state handed to every handler: the database and the settings.

use std::sync::Arc;

use ordinavo_persistence::Db;

use crate::config::Settings;

/// Cheap to clone; every instance of the api keeps no state another instance needs.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
}
