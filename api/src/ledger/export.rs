//! The ledger written out: CSV as each batch arrives, XLSX into a worksheet kept on disk
//! (rust_xlsxwriter's constant-memory mode) and then zipped straight into the response.

use std::io::{self, BufWriter, Write};

use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt};
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};
use tokio::sync::mpsc;

use super::rows::{Row, HEADERS};
use super::Ledger;
use crate::app_error::AppError;

/// What a failure halfway through a download becomes: the response has begun, so the client
/// sees the connection cut, and the log says why.
fn cut(error: impl std::fmt::Display) -> io::Error {
    tracing::error!(%error, "the ledger download stopped halfway");
    io::Error::other("the ledger download stopped halfway")
}

/// UTF-8 with a byte-order mark, so that Excel opens the Chinese as Chinese.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The CSV: the byte-order mark and headers, then each batch as it is read.
pub fn csv(ledger: Ledger) -> impl Stream<Item = io::Result<Bytes>> + 'static {
    let head = lines(&[HEADERS.map(str::to_owned)]).map(|text| {
        let mut bytes = BOM.to_vec();
        bytes.extend(text);
        Bytes::from(bytes)
    });
    let body = ledger.batches().map(|batch| match batch {
        Ok(rows) => lines(&rows).map(Bytes::from),
        Err(error) => Err(cut(error)),
    });
    futures_util::stream::once(async move { head }).chain(body)
}

fn lines(rows: &[Row]) -> io::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).map_err(cut)?;
    }
    writer.into_inner().map_err(cut)
}

/// How many batches may wait between the database and the worksheet, and chunks between the
/// zip and the client: a few, so that neither side runs far ahead of the other.
const IN_FLIGHT: usize = 4;

/// The XLSX: rows go to a worksheet on a blocking thread as they are read; once all are
/// written, the workbook is zipped into the response chunk by chunk.
pub fn xlsx(ledger: Ledger) -> impl Stream<Item = io::Result<Bytes>> + 'static {
    let (rows_in, rows_out) = mpsc::channel::<Result<Vec<Row>, AppError>>(IN_FLIGHT);
    let (chunks_in, chunks_out) = mpsc::channel::<io::Result<Bytes>>(IN_FLIGHT);
    tokio::spawn(async move {
        let mut batches = std::pin::pin!(ledger.batches());
        while let Some(batch) = batches.next().await {
            let failed = batch.is_err();
            // The writer went away (the client left): nothing more to read for it.
            if rows_in.send(batch).await.is_err() || failed {
                break;
            }
        }
    });
    let failed = chunks_in.clone();
    tokio::task::spawn_blocking(move || {
        if let Err(error) = write_workbook(rows_out, Chunks(chunks_in)) {
            let _ = failed.blocking_send(Err(cut(error)));
        }
    });
    futures_util::stream::unfold(chunks_out, |mut chunks| async move {
        chunks.recv().await.map(|chunk| (chunk, chunks))
    })
}

fn write_workbook(
    mut rows: mpsc::Receiver<Result<Vec<Row>, AppError>>,
    out: Chunks,
) -> Result<(), String> {
    let mut workbook = Workbook::new();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(|e| e.to_string())?;
    sheet.set_name("台账").map_err(|e| e.to_string())?;
    let bold = CellFormat::new().set_bold();
    for (column, header) in (0u16..).zip(HEADERS) {
        sheet
            .write_string_with_format(0, column, header, &bold)
            .map_err(|e| e.to_string())?;
    }
    let mut next_row = 1u32;
    while let Some(batch) = rows.blocking_recv() {
        for row in batch.map_err(|e| e.to_string())? {
            for (column, cell) in (0u16..).zip(row.iter()) {
                sheet
                    .write_string(next_row, column, cell)
                    .map_err(|e: XlsxError| e.to_string())?;
            }
            next_row += 1;
        }
    }
    workbook
        .save_to_writer(BufWriter::with_capacity(64 * 1024, out))
        .map_err(|e| e.to_string())
}

/// The response body as a writer for the zip: each write is a chunk sent to the client.
struct Chunks(mpsc::Sender<io::Result<Bytes>>);

impl Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
