"""Files kept between a preview and its confirmation, in the database so that any web process can confirm them."""
