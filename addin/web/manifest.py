"""The add-in-only XML manifest an admin sideloads or deploys for the whole company.

Excel needs one XML manifest (custom functions are not supported by the unified JSON
manifest). It names the task pane page, the functions' script and metadata and the icons, all
under the deployment's public HTTPS address; Excel fetches them without a token. The
functions run in the task pane's shared runtime, so the pane and the functions share one
sign-in.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from planbook.errors import PlanbookError

__all__ = ["ICON_SIZES", "PREFIX", "BadUrl", "icon_png", "manifest_urls", "manifest_xml"]

PREFIX = "/addin"
"""Every page, script and call of the Office.js add-in lives under this path."""
ICON_SIZES = (16, 32, 64, 80)
NAMESPACE = "PB"
DESCRIPTION = (
    "Planbook plans in Excel: =PB.GET and =PB.TABLE formulas, push budget, pull plan, "
    "diff versions."
)
GET_STARTED = "Open Planbook on the Home tab and sign in with your Planbook token."
TOOLTIP = (
    "Sign in, pick the version this workbook reads, push your budget, pull the plan, diff versions."
)


class BadUrl(PlanbookError):
    """The deployment address is not an absolute https:// URL."""


def base_url(url: str) -> str:
    """The deployment's public address without a trailing slash; https only (Office loads
    add-ins only over HTTPS; ``http://localhost`` is refused too, as Excel refuses it)."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        raise BadUrl(
            f"--url {url!r}: give the service's public address as https://host[:port][/path]; "
            "Office loads add-ins only over HTTPS"
        )
    return url.strip().rstrip("/")


def manifest_urls(url: str) -> dict[str, str]:
    """Every URL the manifest names, by resource id."""
    root = base_url(url) + PREFIX
    urls = {
        "Taskpane.Url": f"{root}/taskpane.html",
        "Functions.Script.Url": f"{root}/static/planbook.js",
        "Functions.Metadata.Url": f"{root}/functions.json",
        "Help.Url": f"{root}/help",
    }
    urls |= {f"Icon.{n}": f"{root}/static/icon-{n}.png" for n in ICON_SIZES}
    return urls


def manifest_xml(url: str) -> str:
    """The manifest for the deployment at ``url`` (its id is stable for that address)."""
    urls = manifest_urls(url)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url(url)))
    app_id = uuid.uuid5(uuid.NAMESPACE_URL, base_url(url) + PREFIX)
    q = {k: quoteattr(v) for k, v in urls.items()}
    icons = "".join(f'<bt:Image size="{n}" resid="Icon.{n}"/>' for n in (16, 32, 80))
    images = "".join(
        f'<bt:Image id="Icon.{n}" DefaultValue={q[f"Icon.{n}"]}/>' for n in (16, 32, 80)
    )
    links = "".join(
        f"<bt:Url id={quoteattr(k)} DefaultValue={q[k]}/>"
        for k in ("Taskpane.Url", "Functions.Script.Url", "Functions.Metadata.Url", "Help.Url")
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OfficeApp xmlns="http://schemas.microsoft.com/office/appforoffice/1.1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:bt="http://schemas.microsoft.com/office/officeappbasictypes/1.0"
  xmlns:ov="http://schemas.microsoft.com/office/taskpaneappversionoverrides"
  xsi:type="TaskPaneApp">
  <Id>{app_id}</Id>
  <Version>1.0.0.0</Version>
  <ProviderName>Planbook</ProviderName>
  <DefaultLocale>en-US</DefaultLocale>
  <DisplayName DefaultValue="Planbook"/>
  <Description DefaultValue={quoteattr(DESCRIPTION)}/>
  <IconUrl DefaultValue={q["Icon.32"]}/>
  <HighResolutionIconUrl DefaultValue={q["Icon.64"]}/>
  <SupportUrl DefaultValue={q["Help.Url"]}/>
  <AppDomains>
    <AppDomain>{origin}</AppDomain>
  </AppDomains>
  <Hosts>
    <Host Name="Workbook"/>
  </Hosts>
  <Requirements>
    <Sets DefaultMinVersion="1.1">
      <Set Name="SharedRuntime" MinVersion="1.1"/>
    </Sets>
  </Requirements>
  <DefaultSettings>
    <SourceLocation DefaultValue={q["Taskpane.Url"]}/>
  </DefaultSettings>
  <Permissions>ReadWriteDocument</Permissions>
  <VersionOverrides xmlns="http://schemas.microsoft.com/office/taskpaneappversionoverrides"
    xsi:type="VersionOverridesV1_0">
    <Hosts>
      <Host xsi:type="Workbook">
        <Runtimes>
          <Runtime resid="Taskpane.Url" lifetime="long"/>
        </Runtimes>
        <AllFormFactors>
          <ExtensionPoint xsi:type="CustomFunctions">
            <Script>
              <SourceLocation resid="Functions.Script.Url"/>
            </Script>
            <Page>
              <SourceLocation resid="Taskpane.Url"/>
            </Page>
            <Metadata>
              <SourceLocation resid="Functions.Metadata.Url"/>
            </Metadata>
            <Namespace resid="Functions.Namespace"/>
          </ExtensionPoint>
        </AllFormFactors>
        <DesktopFormFactor>
          <GetStarted>
            <Title resid="GetStarted.Title"/>
            <Description resid="GetStarted.Description"/>
            <LearnMoreUrl resid="Help.Url"/>
          </GetStarted>
          <FunctionFile resid="Taskpane.Url"/>
          <ExtensionPoint xsi:type="PrimaryCommandSurface">
            <OfficeTab id="TabHome">
              <Group id="Planbook.Group">
                <Label resid="Group.Label"/>
                <Icon>{icons}</Icon>
                <Control xsi:type="Button" id="Planbook.TaskpaneButton">
                  <Label resid="Button.Label"/>
                  <Supertip>
                    <Title resid="Button.Label"/>
                    <Description resid="Button.Tooltip"/>
                  </Supertip>
                  <Icon>{icons}</Icon>
                  <Action xsi:type="ShowTaskpane">
                    <TaskpaneId>Planbook.Taskpane</TaskpaneId>
                    <SourceLocation resid="Taskpane.Url"/>
                  </Action>
                </Control>
              </Group>
            </OfficeTab>
          </ExtensionPoint>
        </DesktopFormFactor>
      </Host>
    </Hosts>
    <Resources>
      <bt:Images>{images}</bt:Images>
      <bt:Urls>{links}</bt:Urls>
      <bt:ShortStrings>
        <bt:String id="Functions.Namespace" DefaultValue="{NAMESPACE}"/>
        <bt:String id="GetStarted.Title" DefaultValue="Planbook is ready"/>
        <bt:String id="Group.Label" DefaultValue="Planbook"/>
        <bt:String id="Button.Label" DefaultValue="Planbook"/>
      </bt:ShortStrings>
      <bt:LongStrings>
        <bt:String id="GetStarted.Description" DefaultValue={quoteattr(GET_STARTED)}/>
        <bt:String id="Button.Tooltip" DefaultValue={quoteattr(TOOLTIP)}/>
      </bt:LongStrings>
    </Resources>
  </VersionOverrides>
</OfficeApp>
"""


def icon_png(size: int) -> bytes:
    """Planbook's icon: a square of the brand's blue with a lighter bar chart, as PNG."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            bar = (x * 4 // size) % 2 == 1 and y > size * (0.7 - 0.15 * (x * 4 // size))
            row += bytes((0x9D, 0xC3, 0xE6) if bar else (0x1F, 0x38, 0x64))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
