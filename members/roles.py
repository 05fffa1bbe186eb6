"""The staff and admin groups and the model permissions they carry in the Django admin.

Kept in step by the data migration members/0002 and, for models that later migrations add,
by a post_migrate handler: one declaration, applied wherever the schema changes.
"""

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db.migrations.state import StateApps

from members.permissions import ADMIN_GROUP, STAFF_GROUP

ALL = ("view", "add", "change", "delete")

# app label -> actions the group may take on every model of that app.
GROUP_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    STAFF_GROUP: {
        "members": ("view", "add", "change"),
        "meetings": ALL,
        "priorities": ("view",),
        "mail": ("view", "change"),
    },
    ADMIN_GROUP: {
        "members": ALL,
        "meetings": ALL,
        "priorities": ALL,
        "mail": ("view", "change"),
    },
}


def sync_role_groups(apps: Apps) -> None:
    """Create the groups and give them exactly the permissions declared above (idempotent)."""
    historical = isinstance(apps, StateApps)
    for app_config in apps.get_app_configs():
        if historical:
            # Inside a migration, permissions are only created after the whole migrate run.
            app_config.models_module = True
        if app_config.models_module is not None:
            create_permissions(app_config, apps=apps, verbosity=0)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for group_name, spec in GROUP_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=group_name)
        wanted = []
        for app_label, actions in spec.items():
            for permission in permission_model.objects.filter(content_type__app_label=app_label):
                if permission.codename.split("_", 1)[0] in actions:
                    wanted.append(permission)
                elif actions == ALL and not permission.codename.startswith(
                    ("view_", "add_", "change_", "delete_")
                ):
                    # Custom permissions (publish, curate, ...) belong to those with every action.
                    wanted.append(permission)
        group.permissions.set(wanted)
