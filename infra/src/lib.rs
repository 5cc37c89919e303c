//! Everything Liaison says to the outside world: the database, Redis, WeChat, files on disk.

pub mod crypto;
pub mod db;
pub mod entities;
pub mod files;
pub mod lease;
pub mod live;
pub mod password;
pub mod poster;
pub mod qr;
pub mod rate_limit;
pub mod revocation;
pub mod shared;
pub mod store;
pub mod webhook;
pub mod wechat;
