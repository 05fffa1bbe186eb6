from django.db import migrations

# The four themes agreed at the network's 2025 members' meeting in Beit Jala.
THEMES = [
    (
        1,
        "#1f6f8b",
        "Rebuilding trust and healing",
        "إعادة بناء الثقة والتعافي",
        "בנייה מחדש של אמון וריפוי",
        "Healing within and across communities; intra-community repair before new joint initiatives;"
        " spaces for substantive dialogue across the political spectrum.",
        "التعافي داخل المجتمعات وفيما بينها؛ ترميم العلاقات داخل كل مجتمع قبل إطلاق مبادرات مشتركة"
        " جديدة؛ مساحات لحوار جوهري عبر الطيف السياسي.",
        "ריפוי בתוך הקהילות וביניהן; תיקון פנים-קהילתי לפני יוזמות משותפות חדשות; מרחבים לדיאלוג"
        " מהותי על פני הקשת הפוליטית.",
    ),
    (
        2,
        "#6a4c93",
        "Trauma healing and psychosocial support",
        "معالجة الصدمات والدعم النفسي الاجتماعي",
        "ריפוי טראומה ותמיכה פסיכו-סוציאלית",
        "Trauma-informed practice, including EMDR and community-based resilience building, in every"
        " peacebuilding and leadership programme.",
        "ممارسات مراعية للصدمات، بما فيها EMDR وبناء الصمود المجتمعي، في كل برامج بناء السلام والقيادة.",
        "עבודה מודעת-טראומה, כולל EMDR ובניית חוסן קהילתי, בכל תוכנית לבניית שלום ולמנהיגות.",
    ),
    (
        3,
        "#c8553d",
        "Justice-centred narratives and peace education",
        "سرديات تتمحور حول العدالة والتربية على السلام",
        "נרטיבים ממוקדי צדק וחינוך לשלום",
        "Narratives of justice, accountability and empathy; a coordinated media strategy;"
        " peace education institutionalised in schools and universities; women and youth leading.",
        "سرديات العدالة والمساءلة والتعاطف؛ استراتيجية إعلامية منسقة؛ مأسسة التربية على السلام في"
        " المدارس والجامعات؛ قيادة النساء والشباب.",
        "נרטיבים של צדק, אחריותיות ואמפתיה; אסטרטגיית תקשורת מתואמת; מיסוד החינוך לשלום בבתי ספר"
        " ובאוניברסיטאות; נשים ונוער בהובלה.",
    ),
    (
        4,
        "#2a9d8f",
        "Strengthening collective action and advocacy",
        "تعزيز العمل الجماعي والمناصرة",
        "חיזוק הפעולה המשותפת והסנגור",
        "Network-wide coordination through peer learning, joint planning and shared advocacy"
        " platforms; linking humanitarian aid with peacebuilding.",
        "تنسيق على مستوى الشبكة عبر التعلم من الأقران والتخطيط المشترك ومنصات مناصرة مشتركة؛ ربط"
        " المساعدات الإنسانية ببناء السلام.",
        "תיאום ברמת הרשת באמצעות למידת עמיתים, תכנון משותף ופלטפורמות סנגור משותפות; קישור הסיוע"
        " ההומניטרי לבניית שלום.",
    ),
]


def add_themes(apps, schema_editor):
    theme_model = apps.get_model("priorities", "Theme")
    for order, colour, name_en, name_ar, name_he, desc_en, desc_ar, desc_he in THEMES:
        theme_model.objects.update_or_create(
            name_en=name_en,
            defaults={
                "order": order,
                "colour": colour,
                "name_ar": name_ar,
                "name_he": name_he,
                "description_en": desc_en,
                "description_ar": desc_ar,
                "description_he": desc_he,
            },
        )


def remove_themes(apps, schema_editor):
    apps.get_model("priorities", "Theme").objects.filter(
        name_en__in=[theme[2] for theme in THEMES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("priorities", "0001_initial")]

    operations = [migrations.RunPython(add_themes, remove_themes)]
