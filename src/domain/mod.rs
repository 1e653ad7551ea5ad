//! What danvan is about, with no storage, HTTP or chat platform in sight.

pub mod access;
pub mod activity;
pub mod boundaries;
pub mod collation;
pub mod compose;
pub mod dialogue;
pub mod former;
pub mod input_method;
pub mod invite;
pub mod link;
pub mod listing;
pub mod logflow;
pub mod notice;
pub mod payload;
pub mod report;
pub mod richtext;
pub mod survey;
pub mod survey_chat;
pub mod survey_results;
pub mod text;
pub mod ticket;
pub mod unit_directory;
pub mod unit_label;
pub mod units;
pub mod vn_time;
pub mod work_time;
