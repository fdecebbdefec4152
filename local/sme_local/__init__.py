"""The sme-local command: runs both stand-ins and the end-to-end demo on one machine."""
