"""The pages people use: the reception desk, care staff's pages, and the person's own easy-read passport."""
