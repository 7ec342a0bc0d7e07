"""The product's e-mails: what each says (texts), how it looks (templates), whom it tells."""
