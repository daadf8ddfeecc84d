from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from requests_app.roles import organizer_grant


class Command(BaseCommand):
    help = "Make the account with this e-mail address an organizer (group and admin access)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        User = get_user_model()
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(
                f"No account uses {email}. Sign up on the site first (/accounts/signup/), "
                "confirm the address, then run this again."
            ) from None
        organizer_grant(user)
        self.stdout.write(self.style.SUCCESS(f"{email} is now an organizer."))
