from django.db import migrations


def create_role_groups(apps, schema_editor):
    from members.roles import sync_role_groups

    sync_role_groups(apps)


def remove_role_groups(apps, schema_editor):
    from members.permissions import ADMIN_GROUP, STAFF_GROUP

    apps.get_model("auth", "Group").objects.filter(name__in=[STAFF_GROUP, ADMIN_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("meetings", "0001_initial"),
        ("priorities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
