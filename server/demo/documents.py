"""Small but real PDF files for the demo's technical sheets: a company's rider and its plans.

Written by hand rather than with a PDF library: one A4 page of text in a standard font and a few
lines and boxes is all the demo needs, and Saison then needs no PDF dependency to run. The
files open in any reader and their text can be selected and searched (French included: the
standard fonts' WinAnsi encoding has every accented letter French uses).
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 595, 842  # A4 in points
MARGIN = 56


def _text(value: str) -> bytes:
    """A PDF string in WinAnsi (cp1252), with its special characters escaped."""
    raw = value.replace("\u202f", " ").replace("\u00a0", " ").encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _info(value: str) -> bytes:
    """A document-information string (title, author): UTF-16 with its byte-order mark."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


@dataclass
class Page:
    """One page's drawing: text lines going down, then any lines and boxes."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (style, text)
    ops: list[bytes] = field(default_factory=list)

    def heading(self, value: str) -> Page:
        self.lines.append(("h", value))
        return self

    def line(self, value: str) -> Page:
        self.lines.append(("p", value))
        return self

    def box(
        self, x: float, y: float, w: float, h: float, label: str = "", fill: bool = False
    ) -> Page:
        self.ops.append(f"{x:.1f} {y:.1f} {w:.1f} {h:.1f} re {'f' if fill else 'S'}".encode())
        if label:
            self.label(x + 4, y + h / 2 - 3, label)
        return self

    def rule(self, x1: float, y1: float, x2: float, y2: float, label: str = "") -> Page:
        self.ops.append(f"{x1:.1f} {y1:.1f} m {x2:.1f} {y2:.1f} l S".encode())
        if label:
            self.label(x2 + 6, y2 - 3, label)
        return self

    def label(self, x: float, y: float, value: str, size: int = 8) -> Page:
        self.ops.append(b"BT /F1 %d Tf %.1f %.1f Td " % (size, x, y) + _text(value) + b" Tj ET")
        return self

    def content(self) -> bytes:
        out = [b"0.2 w"]
        out.append(
            b"BT /F2 16 Tf %d %d Td " % (MARGIN, HEIGHT - MARGIN) + _text(self.title) + b" Tj ET"
        )
        y = HEIGHT - MARGIN - 30
        for style, value in self.lines:
            font, size, gap = ("F2", 11, 20) if style == "h" else ("F1", 10, 14)
            if style == "h":
                y -= 6
            out.append(
                b"BT /%s %d Tf %d %d Td " % (font.encode(), size, MARGIN, y)
                + _text(value)
                + b" Tj ET"
            )
            y -= gap
        out.extend(self.ops)
        return b"\n".join(out)


def pdf(page: Page, author: str) -> bytes:
    """The page as a complete PDF 1.4 file (cross-reference table included)."""
    stream = page.content()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (WIDTH, HEIGHT)
        + b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title "
        + _info(page.title)
        + b" /Author "
        + _info(author)
        + b" /Producer (Saison) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def rider(title: str, company: str, genre: str, minutes: int, crew: int, cast: int) -> bytes:
    """The company's technical rider (fiche technique), as it arrives with the contract."""
    hours, rest = divmod(minutes, 60)
    length = f"{hours} h {rest:02d}" if hours else f"{rest} minutes"
    page = Page(f"Fiche technique — {title}")
    page.line(f"{company} · {genre} · durée : {length} sans entracte")
    page.line(f"Équipe en tournée : {cast} interprètes, {crew} régisseurs (général, lumière, son).")
    page.heading("Plateau")
    page.line("Ouverture minimale 10 m, profondeur 8 m, hauteur sous perches 6 m.")
    page.line("Boîte noire à l'allemande, tapis de danse noir, sol plat et sans pente.")
    page.heading("Lumière (fournie par le lieu)")
    page.line("24 PC 1 kW, 12 découpes 613 SX, 6 PAR 64 CP62, 48 circuits de 2 kW.")
    page.line("Console du lieu ; la conduite est sur clé USB (ETC Eos).")
    page.heading("Son")
    page.line("Façade stéréo adaptée à la salle, 2 retours au plateau, 1 micro HF serre-tête.")
    page.heading("Planning type")
    page.line("J-1 : montage 9 h – 13 h et 14 h – 18 h, réglages lumière 19 h – 23 h.")
    page.line("Jour J : raccords 14 h – 18 h, pause repas, service de jeu à partir de 19 h.")
    page.line("Démontage à l'issue de la dernière représentation : un service de 4 h.")
    page.heading("Accueil")
    page.line(f"Loges pour {cast} personnes avec douches, catering léger, eau, fruits secs.")
    page.line("Places de stationnement pour un utilitaire 20 m³ près du quai de déchargement.")
    page.line("Contact : le régisseur général de la compagnie, joignable dès la signature.")
    return pdf(page, company)


def lighting_plan(title: str, company: str) -> bytes:
    """A plan de feu: the stage seen from above, the lighting bars and what hangs on them."""
    page = Page(f"Plan de feu — {title}")
    page.line(f"{company} · échelle 1/50 · les numéros sont ceux des circuits.")
    left, bottom, width, depth = MARGIN + 40, 360, 400, 320
    page.box(left, bottom, width, depth)
    page.label(left + width / 2 - 20, bottom - 16, "Cadre de scène (ouverture 10 m)")
    bars = ("Perche 1 : face", "Perche 2 : contres", "Perche 3 : douches", "Perche 4 : fond")
    for n, bar in enumerate(bars):
        y = bottom + 40 + n * 75  # the face bar nearest the audience
        page.rule(left - 20, y, left + width + 20, y, bar)
        for k in range(6):
            x = left + 30 + k * 65
            page.box(x, y - 5, 10, 10, fill=True)
            page.label(x - 2, y + 9, str(1 + n * 6 + k), size=7)
    page.label(left, bottom - 40, "Lointain en haut, public en bas. Tapis de danse noir.")
    return pdf(page, company)


def stage_plan(title: str, company: str) -> bytes:
    """A plan d'implantation: where the set stands and where the audience sits."""
    page = Page(f"Plan d'implantation — {title}")
    page.line(f"{company} · échelle 1/50 · cotes en mètres.")
    left, bottom = MARGIN + 40, 420
    page.box(left, bottom, 400, 260, "")
    page.box(left + 60, bottom + 150, 120, 60, "Praticable 2 × 1 m")
    page.box(left + 230, bottom + 120, 110, 90, "Table et 4 chaises")
    page.box(left + 20, bottom + 230, 360, 12, "Rideau de fond")
    page.rule(left, bottom - 10, left + 400, bottom - 10, "10 m")
    for row in range(4):
        page.rule(left + 20, bottom - 40 - row * 22, left + 380, bottom - 40 - row * 22)
    page.label(left + 150, bottom - 140, "Gradin public (rangs A à D)")
    return pdf(page, company)
