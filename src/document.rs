//! Official documents (văn bản) as Word files a committee files and edits: A4, Times New Roman
//! 14 pt, the heading laid out as Decree 30/2020 has it (the issuing body on the left, the nation's
//! name and motto on the right with the place and date under them), the kind of document and its
//! subject centred, then its text as justified paragraphs, a table and its charts. The words come
//! from the caller, already in the reader's language ([`Official::report`] fills in the heading
//! every report of a unit shares); this module only lays them out.

use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Pic, Run, RunFonts, SpecialIndentType,
    Table, TableCell, TableRow, WidthType,
};

use crate::domain::units::Unit;
use crate::i18n::Localizer;
use crate::message::{Lang, Msg};

/// A4 in twentieths of a point.
const PAGE: (u32, u32) = (11906, 16838);
/// Margins of Decree 30/2020: 2 cm top and bottom, 3 cm left, 2 cm right (1 cm = 567).
const MARGINS: (i32, i32, i32, i32) = (1134, 1134, 1701, 1134);
/// The width between the margins, in twips and in the EMU pictures are measured in.
const TEXT_WIDTH: u32 = PAGE.0 - 1701 - 1134;
const EMU_PER_TWIP: u32 = 635;
/// Sizes in half-points: 14 pt text, 13 pt table, 12 pt heading lines.
const TEXT: usize = 28;
const TABLE: usize = 26;
const HEADING: usize = 26;

/// A document's words, laid out by [`Official::docx`].
pub struct Official {
    /// The issuing body, upper case ("XÃ TIÊN LỮ").
    pub issuer: String,
    /// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and "Độc lập - Tự do - Hạnh phúc".
    pub nation: String,
    pub motto: String,
    /// "Tiên Lữ, ngày 15 tháng 4 năm 2025".
    pub place_and_date: String,
    /// "BÁO CÁO".
    pub kind: String,
    /// "Kết quả xây dựng mô hình “Dân vận khéo” quý I/2025".
    pub subject: String,
    /// The text, a paragraph per line.
    pub paragraphs: Vec<String>,
    pub table: Option<Grid>,
    /// PNG pictures, each as wide as the text.
    pub charts: Vec<Vec<u8>>,
}

/// A table: its header row, then rows; the columns from `numbers_from` on are figures, set right.
pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numbers_from: usize,
}

impl Official {
    /// A report of `unit`, dated `today` at its place, about `subject`, in `lang`: its heading
    /// and paragraphs, with no table or chart yet.
    pub fn report(
        localizer: &Localizer,
        lang: Lang,
        unit: &Unit,
        today: NaiveDate,
        subject: &Msg,
        paragraphs: Vec<String>,
    ) -> Official {
        let t = |msg: &Msg| localizer.render(msg, lang);
        Official {
            issuer: unit.name.to_uppercase(),
            nation: t(&Msg::new("doc-nation")),
            motto: t(&Msg::new("doc-motto")),
            // The year and day are words, not numbers: no thousands separator in "2025".
            place_and_date: t(&Msg::new("doc-place-date")
                .text("place", unit.place())
                .text("day", today.day().to_string())
                .text("month", today.month().to_string())
                .text("year", today.year().to_string())),
            kind: t(&Msg::new("doc-report")),
            subject: t(subject),
            paragraphs,
            table: None,
            charts: Vec::new(),
        }
    }

    /// The document as a .docx file.
    pub fn docx(&self) -> anyhow::Result<Vec<u8>> {
        let mut file = std::io::Cursor::new(Vec::new());
        self.layout()?.build().pack(&mut file)?;
        Ok(file.into_inner())
    }

    fn layout(&self) -> anyhow::Result<Docx> {
        let (top, bottom, left, right) = MARGINS;
        let mut doc = Docx::new()
            .page_size(PAGE.0, PAGE.1)
            .page_margin(
                PageMargin::new()
                    .top(top)
                    .bottom(bottom)
                    .left(left)
                    .right(right),
            )
            .default_fonts(
                RunFonts::new()
                    .ascii("Times New Roman")
                    .hi_ansi("Times New Roman")
                    .cs("Times New Roman")
                    .east_asia("Times New Roman"),
            )
            .default_size(TEXT)
            .add_table(self.heading())
            .add_paragraph(Paragraph::new())
            .add_paragraph(centred(Run::new().add_text(&self.kind).bold()))
            .add_paragraph(centred(Run::new().add_text(&self.subject).bold()))
            .add_paragraph(centred(Run::new().add_text("________")));
        for line in self.paragraphs.iter().filter(|l| !l.trim().is_empty()) {
            doc = doc.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(line.trim()))
                    .align(AlignmentType::Both)
                    .indent(None, Some(SpecialIndentType::FirstLine(567)), None, None)
                    .line_spacing(LineSpacing::new().before(60).after(60)),
            );
        }
        if let Some(grid) = &self.table {
            doc = doc.add_paragraph(Paragraph::new()).add_table(table(grid));
        }
        for png in &self.charts {
            let (width, height) = png_size(png)?;
            let emu_width = TEXT_WIDTH * EMU_PER_TWIP;
            let emu_height = (u64::from(emu_width) * u64::from(height) / u64::from(width)) as u32;
            let picture =
                Pic::new_with_dimensions(png.clone(), width, height).size(emu_width, emu_height);
            doc = doc.add_paragraph(centred(Run::new().add_image(picture)));
        }
        Ok(doc)
    }

    /// The two-column heading without borders: the body on the left, the nation on the right.
    fn heading(&self) -> Table {
        let line =
            |text: &str, run: fn(Run) -> Run| centred(run(Run::new().add_text(text).size(HEADING)));
        let left = TableCell::new()
            .width(TEXT_WIDTH as usize * 2 / 5, WidthType::Dxa)
            .add_paragraph(line(&self.issuer, |r| r.bold()))
            .add_paragraph(line("*", |r| r));
        let right = TableCell::new()
            .width(TEXT_WIDTH as usize * 3 / 5, WidthType::Dxa)
            .add_paragraph(line(&self.nation, |r| r.bold()))
            .add_paragraph(line(&self.motto, |r| r.bold().underline("single")))
            .add_paragraph(Paragraph::new())
            .add_paragraph(line(&self.place_and_date, |r| r.italic()));
        Table::without_borders(vec![TableRow::new(vec![left, right])])
    }
}

fn centred(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

fn table(grid: &Grid) -> Table {
    let cell = |text: &str, column: usize, bold: bool| {
        let run = Run::new().add_text(text).size(TABLE);
        let run = if bold { run.bold() } else { run };
        let align = match column >= grid.numbers_from && !bold {
            true => AlignmentType::Right,
            false => AlignmentType::Left,
        };
        TableCell::new().add_paragraph(Paragraph::new().add_run(run).align(align))
    };
    let row = |cells: &[String], bold: bool| {
        TableRow::new(
            cells
                .iter()
                .enumerate()
                .map(|(column, text)| cell(text, column, bold))
                .collect(),
        )
    };
    let rows = std::iter::once(row(&grid.header, true))
        .chain(grid.rows.iter().map(|r| row(r, false)))
        .collect();
    Table::new(rows).width(TEXT_WIDTH as usize, WidthType::Dxa)
}

/// A PNG's width and height in pixels, from its header.
fn png_size(png: &[u8]) -> anyhow::Result<(u32, u32)> {
    let reader = png::Decoder::new(std::io::Cursor::new(png)).read_info()?;
    let info = reader.info();
    Ok((info.width, info.height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Plot;
    use crate::message::Lang;

    #[test]
    fn an_official_document_holds_its_heading_text_table_and_chart() {
        let chart = Plot {
            title: "Mô hình theo lĩnh vực".into(),
            bars: vec![("Kinh tế".into(), 12), ("An ninh".into(), 3)],
            lang: Lang::Vi,
        }
        .png()
        .unwrap();
        let document = Official {
            issuer: "XÃ TIÊN LỮ".into(),
            nation: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(),
            motto: "Độc lập - Tự do - Hạnh phúc".into(),
            place_and_date: "Tiên Lữ, ngày 15 tháng 4 năm 2025".into(),
            kind: "BÁO CÁO".into(),
            subject: "Kết quả xây dựng mô hình “Dân vận khéo” quý I/2025".into(),
            paragraphs: vec!["Tính đến hết quý I/2025, …".into()],
            table: Some(Grid {
                header: vec!["Đơn vị".into(), "Mô hình".into()],
                rows: vec![vec!["Thôn 1".into(), "3".into()]],
                numbers_from: 1,
            }),
            charts: vec![chart],
        };
        let xml = document.layout().unwrap().build();
        let text = String::from_utf8(xml.document).unwrap();
        for words in [
            "XÃ TIÊN LỮ",
            "Độc lập - Tự do - Hạnh phúc",
            "Tiên Lữ, ngày 15 tháng 4 năm 2025",
            "BÁO CÁO",
            "Tính đến hết quý I/2025",
            "Thôn 1",
        ] {
            assert!(text.contains(words), "{words} missing from {text}");
        }
        assert_eq!(xml.media.len(), 1, "the chart is a picture of its own");
        assert_eq!(&document.docx().unwrap()[..2], b"PK", "a zip, as .docx are");
    }
}
