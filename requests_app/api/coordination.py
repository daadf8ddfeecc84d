"""Comments on a request or an appeal, through the pages' own service: its team and
organizers write them, team-only or public."""

from rest_framework import serializers, status
from rest_framework.response import Response

from .. import ratelimit
from ..models import Comment, Visibility
from ..services import coordination
from .common import refusals, validated


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.public_name", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "request", "appeal", "author", "visibility", "format", "body", "created_at"]


class CommentInputSerializer(serializers.Serializer):
    # Its length and emptiness are the service's to judge, with the page's own messages.
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.TEAM)
    format = serializers.ChoiceField(choices=Comment.Format.choices, default=Comment.Format.PLAIN)


def comment_on(subject, request) -> Response:
    """A comment on a request or an appeal, through the page's own service."""
    ratelimit.check(request, "comments")
    data = validated(CommentInputSerializer, request)
    with refusals(coordination.CoordinationError):
        comment = coordination.comment_create(subject=subject, author=request.user, **data)
    return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
