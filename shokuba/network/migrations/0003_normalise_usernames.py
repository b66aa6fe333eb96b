"""Store every user name in its normal form (half-width, lower case: core.login.normalise_username), which is what
logging in now compares. Refuses, changing nothing, when two accounts would end up with the same name."""

from collections import defaultdict

from django.core.management.base import CommandError
from django.db import migrations

from shokuba.core.login import normalise_username


def normalise_usernames(apps, schema_editor):
    User = apps.get_model("network", "User")
    by_normal = defaultdict(list)
    for pk, username in User.objects.order_by("pk").values_list("pk", "username"):
        by_normal[normalise_username(username)].append((pk, username))
    collisions = {normal: users for normal, users in by_normal.items() if len(users) > 1}
    if collisions:
        lines = [
            f"・「{normal}」: " + "、".join(f"「{username}」（ID {pk}）" for pk, username in users)
            for normal, users in sorted(collisions.items())
        ]
        raise CommandError(
            "ユーザー名を半角・小文字にそろえると同じ名前になる利用者がいるため、移行を中止しました"
            "（データベースは変更していません）。\n"
            + "\n".join(lines)
            + "\n同じ人の重複であれば一方を、別の人であればどちらかのユーザー名を、重ならない名前に変えてから"
            "もう一度 migrate を実行してください。例：\n"
            '  .venv/bin/python manage.py shell -c "from shokuba.network.models import User; '
            "User.objects.filter(pk=<ID>).update(username='<新しい名前>')\""
        )
    for normal, [(pk, username)] in by_normal.items():
        if username != normal:
            User.objects.filter(pk=pk).update(username=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0002_user_manager"),
    ]

    operations = [
        # Backwards there is nothing to undo: the normal names keep working as they are.
        migrations.RunPython(normalise_usernames, migrations.RunPython.noop),
    ]
