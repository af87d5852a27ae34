"""The manifest against Microsoft's published XSD (schemas/README.md says which and why one
element is checked by hand)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from addin.web.manifest import manifest_xml

SCHEMAS = Path(__file__).parent / "schemas"
OV = "{http://schemas.microsoft.com/office/taskpaneappversionoverrides}"


def test_manifest_is_valid_against_microsofts_schema():
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "OfficeAppManifestV1_1.xsd")))
    doc = etree.fromstring(manifest_xml("https://plan.example.com:8443/planbook").encode())
    host = doc.find(f".//{OV}Host")
    assert host is not None
    runtimes = host[0]
    # <Runtimes> (shared runtime) postdates the schema: first child of Host, one long-lived
    # runtime whose page is the task pane, as Microsoft's manifest reference describes it
    assert runtimes.tag == f"{OV}Runtimes"
    (runtime,) = runtimes
    assert runtime.get("lifetime") == "long" and runtime.get("resid") == "Taskpane.Url"
    host.remove(runtimes)
    assert schema.validate(doc), [e.message for e in schema.error_log]
