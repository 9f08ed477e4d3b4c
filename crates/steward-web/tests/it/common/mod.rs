//! Helpers the web test modules share: the API environment and the signed-in page
//! client, both over `steward-testkit`'s test databases.

pub mod api_env;
pub mod page_client;
