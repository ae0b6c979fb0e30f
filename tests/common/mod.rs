//! What the tests that run the real binary share.

use std::io::{BufRead, BufReader};
use std::process::Child;

pub mod tools;

/// The address a started server prints ("台账已启动：http://…/"), without the
/// final slash; the rest of what it prints is read and dropped, so that it
/// never blocks on a full pipe.
pub fn address_of(child: &mut Child) -> String {
    let mut lines = BufReader::new(child.stdout.take().expect("the server's stdout is piped")).lines();
    let base = loop {
        let line = lines.next().expect("the server printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("台账已启动：") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    base
}
