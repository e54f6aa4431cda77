"""Checks for the 文书 block of a record's page (`core.record_documents`): the link is on the
page, with the document's number, for whoever may open the document, and opens a PDF; for
anyone else the PDF answers 404 and the page shows no block."""

from safeloop.orgs.roles import Role
from tests.conftest import make_user


def stranger(world):
    """An inspector of another city's county: every record of `inside` is outside his scope."""
    return make_user("stranger", Role.COUNTY_INSPECTOR, region=world.other_county)


def assert_document(client, user, page, pdf, *, kind, number="", opens):
    """`user` on `page`: when `opens`, the block links `pdf` (data-doc `kind`) with `number`
    and the link answers a PDF; otherwise the PDF is 404 and no block links it."""
    client.force_login(user)
    response = client.get(page)
    html = response.content.decode()
    answer = client.get(pdf)
    if opens:
        assert response.status_code == 200, page
        block = html[html.index('id="record-documents"') :]
        block = block[: block.index("</section>")]
        assert f'href="{pdf}" data-doc="{kind}"' in block
        if number:
            assert number in block
        assert answer.status_code == 200, pdf
        assert answer["Content-Type"] == "application/pdf"
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert body.startswith(b"%PDF")
    else:
        assert answer.status_code == 404, pdf
        assert pdf not in html
