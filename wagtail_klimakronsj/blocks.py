from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ImageWithCreditBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=250,
        help_text=_("Describe the image for people who cannot see it. Leave empty if decorative."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "wagtail_klimakronsj/blocks/image.html"


class GuidingQuestionsBlock(blocks.StaticBlock):
    """Shows the event's guiding questions (edited in the Questions tab) at this place."""

    class Meta:
        icon = "list-ul"
        label = _("Guiding questions")
        admin_text = _("The event's guiding questions, as edited under 'Guiding questions'.")
        template = "wagtail_klimakronsj/blocks/guiding_questions.html"


class EventBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=200,
        form_classname="title",
        template="wagtail_klimakronsj/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4"],
    )
    image = ImageWithCreditBlock()
    guiding_questions = GuidingQuestionsBlock()
