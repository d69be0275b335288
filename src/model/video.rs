//! A step's video: the files exist and are of the right kinds, the captions are WebVTT, the
//! transcript is Markdown; the files are published beside the guide's page.

use toml::Spanned;

use crate::diagnostics::Diagnostic;
use crate::model::guide::GuideContext;
use crate::model::prose::render_whole_file;
use crate::model::{Asset, AssetContent, Video};
use crate::source::format::VideoToml;
use crate::source::parse::resolve_path;

/// A step's video, its files added to `media` (once each, by file name). `None` when one of
/// them is missing or of the wrong kind; the transcript is checked even then.
pub(crate) fn resolve_video(ctx: &mut GuideContext, video: &VideoToml, media: &mut Vec<Asset>) -> Option<Video> {
    let (tree, file) = (ctx.tree, ctx.file);
    let diagnostics = &mut *ctx.diagnostics;
    let errors_before = diagnostics.error_count();
    let mut publish = |path: &str| -> String {
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        if Asset::find(media, &name).is_none() {
            media.push(Asset {
                name: name.clone(),
                content: AssetContent::Source(tree.shared_bytes(path).unwrap_or_else(|| Vec::new().into())),
            });
        }
        name
    };
    let mut check = |written: &Spanned<String>, allowed: &[&str], what: &str| -> Option<String> {
        let path = resolve_path(tree, file, written, diagnostics)?;
        let ext = path
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        if !allowed.contains(&ext.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    Some(written.span()),
                    format!("{what} must be a {} file", allowed.join(" or ")),
                )
                .with_label("wrong kind of file"),
            );
            return None;
        }
        Some(path)
    };
    let video_path = check(&video.file, &["mp4", "webm"], "a step video");
    let poster_path = video
        .poster
        .as_ref()
        .and_then(|p| check(p, &["png", "jpg", "jpeg", "webp"], "a video poster"));
    let captions_path = check(&video.captions, &["vtt"], "captions");
    let transcript_path = check(&video.transcript, &["md"], "a transcript");
    if let Some(path) = &captions_path
        && !tree
            .text(path)
            .is_some_and(|t| t.trim_start_matches('\u{feff}').starts_with("WEBVTT"))
    {
        diagnostics.push(
            Diagnostic::error(
                path.as_str(),
                Some(0..0),
                "captions must be a WebVTT file starting with `WEBVTT`",
            )
            .with_hint("export the subtitles as .vtt (WebVTT); .srt files need converting"),
        );
    }
    // The transcript is checked even when another file of the video is wrong.
    let transcript = transcript_path
        .as_deref()
        .and_then(|path| render_whole_file(tree, path, 5, diagnostics));
    if diagnostics.error_count() > errors_before {
        return None;
    }
    let (video_path, captions_path, transcript) = (video_path?, captions_path?, transcript?);
    Some(Video {
        title: video.title.clone(),
        mime: if video_path.ends_with(".webm") {
            "video/webm"
        } else {
            "video/mp4"
        },
        src: publish(&video_path),
        poster: poster_path.map(|p| publish(&p)),
        captions: publish(&captions_path),
        transcript,
    })
}
