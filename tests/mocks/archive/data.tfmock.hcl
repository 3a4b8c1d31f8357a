mock_data "archive_file" {
  defaults = {
    output_base64sha256 = "bW9ja2VkLXBhY2thZ2UtaGFzaA=="
    output_size         = 1024
  }
}
