//! `convene logs export --format html`: the minutes as one printable HTML page. The page is the
//! Markdown minutes ([`super::markdown`]) turned into HTML by `pulldown-cmark`, in one
//! self-contained file (the style sheet inside, nothing fetched), with a print style sheet (A4,
//! black on white, tables kept whole where they fit). All text is HTML-escaped: the Markdown
//! escapes `<` and `>` already, and any raw HTML the parser would pass through is written as
//! text.

use pulldown_cmark::{Event, Options, Parser};

use crate::review::detail::Session;

const STYLE: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
       line-height: 1.45; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.6rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.2rem; margin-top: 1.6rem; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
th, td { border: 1px solid #999; padding: 0.25rem 0.4rem; text-align: left; vertical-align: top; }
th { background: #eee; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { margin: 0; max-width: none; font-size: 10.5pt; color: #000; }
  th { background: none; font-weight: bold; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
}
";

/// HTML-escapes text for an element or an attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The minutes as a printable HTML page (`redact` as for Markdown).
pub(crate) fn html(sess: &Session, redact: bool) -> String {
    let md = super::markdown(sess, redact);
    let parser = Parser::new_ext(&md, Options::ENABLE_TABLES).map(|e| match e {
        // Never markup from the text: shown as written.
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        other => other,
    });
    let mut body = String::new();
    pulldown_cmark::html::push_html(&mut body, parser);
    let title = format!("{} — {}", sess.state.setup.protocol.name, sess.id);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"convene {}\">\n<title>{}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&crate::text::sanitize(&title)),
    )
}
