# The package is built twice from the same sources (lambda.tf): at plan time by the data source, for its
# hash, and at apply time by the resource. The same mocked hash for both, as the real archiver produces the
# same bytes for both; the resource's postcondition compares them.
mock_data "archive_file" {
  defaults = {
    output_base64sha256 = "bW9ja2VkLXBhY2thZ2UtaGFzaA=="
    output_size         = 1024
  }
}

mock_resource "archive_file" {
  defaults = {
    output_base64sha256 = "bW9ja2VkLXBhY2thZ2UtaGFzaA=="
    output_size         = 1024
  }
}
