"""The Office.js add-in served by Planbook's service: manifest, task pane, our own JavaScript
client, functions metadata and batched calls (:mod:`addin.web.routes`)."""
