"""Helpers shared by the tests that need a proposal archive (tests/proposals/ and others)."""

from wagtail_klimakronsj.pages.models import ProposalArchivePage, ProposalPage


def make_archive(parent, title="Forslagsarkiv"):
    archive = ProposalArchivePage(title=title, intro="<p>Forslag frå Klimakrønsj.</p>")
    parent.add_child(instance=archive)
    archive.save_revision().publish()
    return ProposalArchivePage.objects.get(pk=archive.pk)


def make_proposal(archive, title, *, topics=(), publish=True, when=None, **fields):
    fields.setdefault("summary", f"Samandrag for {title}")
    proposal = ProposalPage(title=title, live=publish, **fields)
    archive.add_child(instance=proposal)
    proposal.topics.set(topics)
    revision = proposal.save_revision()
    if publish:
        revision.publish()
        if when is not None:
            ProposalPage.objects.filter(pk=proposal.pk).update(first_published_at=when)
    return ProposalPage.objects.get(pk=proposal.pk)
