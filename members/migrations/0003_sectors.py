from django.db import migrations

SECTORS = [
    ("advocacy", "Advocacy", "المناصرة", "סנגור"),
    ("education", "Education", "التعليم", "חינוך"),
    ("dialogue", "Dialogue", "الحوار", "דיאלוג"),
    ("employment", "Employment", "التوظيف", "תעסוקה"),
    ("conflict-transformation", "Conflict transformation", "تحويل النزاعات", "טרנספורמציה של סכסוכים"),
    ("psychosocial-support", "Psychosocial support", "الدعم النفسي الاجتماعي", "תמיכה פסיכו-סוציאלית"),
    ("women", "Women", "النساء", "נשים"),
    ("youth", "Youth", "الشباب", "נוער"),
    ("environment", "Environment", "البيئة", "סביבה"),
    ("media", "Media", "الإعلام", "תקשורת"),
    ("interfaith", "Interfaith", "الحوار بين الأديان", "בין-דתי"),
    ("economic-development", "Economic development", "التنمية الاقتصادية", "פיתוח כלכלי"),
]


def add_sectors(apps, schema_editor):
    sector_model = apps.get_model("members", "Sector")
    for slug, name_en, name_ar, name_he in SECTORS:
        sector_model.objects.update_or_create(
            slug=slug, defaults={"name_en": name_en, "name_ar": name_ar, "name_he": name_he}
        )


def remove_sectors(apps, schema_editor):
    apps.get_model("members", "Sector").objects.filter(slug__in=[s[0] for s in SECTORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0002_role_groups")]

    operations = [migrations.RunPython(add_sectors, remove_sectors)]
