"""Draws the demo's activity photos: flat illustrations, one per demo activity, each captioned as
an illustration so that nobody takes it for a real event. Run: python3 draw.py (needs Pillow)."""
import random
from PIL import Image, ImageDraw, ImageFont

FONT = "../../../data/fonts/DejaVuSans.ttf"
W, H = 800, 600


def person(d, x, y, s, shirt):
    d.ellipse([x - 9 * s, y - 48 * s, x + 9 * s, y - 30 * s], fill=(240, 200, 160))
    d.rectangle([x - 10 * s, y - 30 * s, x + 10 * s, y], fill=shirt)
    d.rectangle([x - 8 * s, y, x - 2 * s, y + 22 * s], fill=(40, 40, 60))
    d.rectangle([x + 2 * s, y, x + 8 * s, y + 22 * s], fill=(40, 40, 60))


def tree(d, x, y, s):
    d.rectangle([x - 4 * s, y - 30 * s, x + 4 * s, y], fill=(110, 70, 40))
    d.ellipse([x - 25 * s, y - 80 * s, x + 25 * s, y - 25 * s], fill=(40, 140, 60))


def house(d, x, y, w, colour):
    d.rectangle([x, y - w * 0.7, x + w, y], fill=colour)
    d.polygon([(x - 10, y - w * 0.7), (x + w / 2, y - w * 1.15), (x + w + 10, y - w * 0.7)], fill=(170, 50, 40))
    d.rectangle([x + w * 0.4, y - w * 0.35, x + w * 0.6, y], fill=(90, 60, 40))


def scene(kind, seed):
    rnd = random.Random(seed)
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for i in range(H):
        t = i / H
        d.line([(0, i), (W, i)], fill=(int(150 + 80 * t), int(200 + 40 * t), 255))
    d.rectangle([0, 380, W, H], fill=(110, 170, 80))
    if kind == "field":
        for r in range(8):
            d.line([(0, 400 + r * 25), (W, 390 + r * 28)], fill=(80, 140, 60), width=6)
        for i in range(6):
            person(d, 120 + i * 110, 470 + rnd.randint(-20, 20), 1.3, (30, 90, 170))
    elif kind == "gift":
        house(d, 420, 420, 260, (240, 220, 170))
        for i in range(3):
            person(d, 150 + i * 90, 470, 1.5, [(200, 30, 30), (30, 90, 170), (230, 180, 40)][i])
        d.rectangle([250, 430, 300, 470], fill=(220, 40, 40))
        d.rectangle([270, 430, 280, 470], fill=(250, 210, 60))
    elif kind == "trees":
        for i in range(7):
            tree(d, 60 + i * 115, 420 + rnd.randint(-10, 10), 1.1)
        for i in range(5):
            person(d, 110 + i * 140, 520, 1.3, (40, 150, 60))
    elif kind == "talk":
        d.rectangle([80, 150, 720, 380], fill=(245, 240, 225))
        d.rectangle([200, 180, 600, 300], fill=(30, 60, 120))
        d.text((220, 200), "PHÒNG, CHỐNG LỪA ĐẢO", font=ImageFont.truetype(FONT, 28), fill="white")
        d.text((220, 245), "QUA MẠNG", font=ImageFont.truetype(FONT, 28), fill="white")
        for i in range(8):
            person(d, 90 + i * 90, 520, 1.2, [(200, 30, 30), (30, 90, 170)][i % 2])
    elif kind == "meeting":
        d.rectangle([0, 0, W, 380], fill=(250, 245, 235))
        d.rectangle([150, 40, 650, 120], fill=(180, 20, 20))
        d.text((190, 62), "HỘI NGHỊ LẤY Ý KIẾN NHÂN DÂN", font=ImageFont.truetype(FONT, 26), fill=(250, 220, 60))
        d.rectangle([100, 260, 700, 300], fill=(120, 80, 50))
        for row in range(2):
            for i in range(7):
                person(d, 130 + i * 90, 420 + row * 90, 1.2, [(30, 90, 170), (240, 240, 240)][row])
    else:  # road
        d.polygon([(330, 380), (470, 380), (700, H), (100, H)], fill=(150, 150, 150))
        d.line([(400, 390), (400, H)], fill=(250, 250, 250), width=5)
        house(d, 40, 400, 180, (235, 215, 180))
        house(d, 600, 400, 160, (220, 235, 200))
        for i in range(4):
            person(d, 250 + i * 100, 520, 1.3, (230, 120, 30))
    d.rectangle([0, H - 44, W, H], fill=(0, 0, 0))
    d.text((16, H - 36), "Ảnh minh họa — danvan demo", font=ImageFont.truetype(FONT, 22), fill="white")
    return img


for n, kind in enumerate(["field", "gift", "trees", "talk", "meeting", "road"], start=1):
    scene(kind, n).save(f"{n}-{kind}.jpg", quality=80, optimize=True)
