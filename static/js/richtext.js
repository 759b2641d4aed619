/* Rich-text editing for any <textarea data-richtext>, on top of the vendored Pell editor
 * (static/vendor/pell, MIT). Without JavaScript the plain textarea stays and works: the server
 * sanitises whatever arrives (core.richtext.sanitize_html), so this file is a convenience only.
 *
 * - Toolbar: bold, italic, headings (h2/h3), quote, lists, link, image with caption (uploaded to
 *   the form's data-upload-url), undo formatting. Buttons are real <button>s with titles.
 * - Chinese input methods: nothing touches the text while a composition is running
 *   (compositionstart … compositionend); the textarea is updated when it ends.
 * - Paste from Word or WeChat: styles, classes and scripts are dropped before insertion.
 */
(function () {
  "use strict";

  var LABELS = {
    "zh-CN": {
      bold: "加粗", italic: "斜体", h2: "标题", h3: "小标题", quote: "引用", ol: "编号列表",
      ul: "项目列表", link: "链接", image: "插入图片", imageShort: "图片", clear: "清除格式",
      linkPrompt: "链接地址（https://…）", captionPrompt: "图片说明（可不填）",
      uploading: "正在上传图片…", uploadFailed: "图片上传失败："
    },
    en: {
      bold: "Bold", italic: "Italic", h2: "Heading", h3: "Subheading", quote: "Quote", ol: "Numbered list",
      ul: "Bulleted list", link: "Link", image: "Insert image", imageShort: "Image", clear: "Clear formatting",
      linkPrompt: "Link address (https://…)", captionPrompt: "Caption (optional)",
      uploading: "Uploading the image…", uploadFailed: "The image could not be uploaded: "
    }
  };
  var text = LABELS[document.documentElement.lang] || LABELS.en;

  function exec(command, value) {
    return document.execCommand(command, false, value);
  }

  /* Keep the structure of pasted HTML, drop everything that styles or runs. */
  function cleanPaste(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("script,style,meta,link,title,xml,iframe,object,svg").forEach(function (node) {
      node.remove();
    });
    doc.body.querySelectorAll("*").forEach(function (node) {
      Array.prototype.slice.call(node.attributes).forEach(function (attribute) {
        var keep = (node.tagName === "A" && attribute.name === "href") ||
          (node.tagName === "IMG" && (attribute.name === "src" || attribute.name === "alt"));
        if (!keep) node.removeAttribute(attribute.name);
      });
    });
    return doc.body.innerHTML;
  }

  function upload(form, file, status) {
    var body = new FormData();
    body.append("file", file);
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    status.textContent = text.uploading;
    return fetch(form.dataset.uploadUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || response.status);
        status.textContent = "";
        return data.url;
      });
    }).catch(function (error) {
      status.textContent = text.uploadFailed + error.message;
      throw error;
    });
  }

  function enhance(textarea) {
    if (!window.pell || textarea.dataset.richtextReady) return;
    textarea.dataset.richtextReady = "1";
    var form = textarea.form;
    var holder = document.createElement("div");
    holder.className = "richtext";
    var status = document.createElement("p");
    status.className = "muted richtext-status";
    status.setAttribute("aria-live", "polite");
    textarea.parentNode.insertBefore(holder, textarea);
    textarea.parentNode.insertBefore(status, textarea);
    var composing = false;
    var editor;

    function sync() {
      textarea.value = editor.content.innerHTML;
    }

    /* A figure is a block of its own: put it after the block holding the caret (never inside a
     * paragraph, where browsers would split it), then a fresh paragraph to go on writing in. */
    function insertFigure(url, caption) {
      var figure = document.createElement("figure");
      var image = document.createElement("img");
      image.setAttribute("src", url);
      image.setAttribute("alt", caption);
      figure.appendChild(image);
      if (caption) {
        var figcaption = document.createElement("figcaption");
        figcaption.textContent = caption;
        figure.appendChild(figcaption);
      }
      var next = document.createElement("p");
      next.appendChild(document.createElement("br"));
      var block = selection ? selection.startContainer : null;
      while (block && block.parentNode !== editor.content) block = block.parentNode;
      if (block) editor.content.insertBefore(figure, block.nextSibling);
      else editor.content.appendChild(figure);
      editor.content.insertBefore(next, figure.nextSibling);
      var range = document.createRange();
      range.setStart(next, 0);
      range.collapse(true);
      var current = window.getSelection();
      current.removeAllRanges();
      current.addRange(range);
      editor.content.focus();
      sync();
    }

    function block(tag) {
      return function () { exec("formatBlock", "<" + tag + ">"); };
    }

    var actions = [
      { name: "bold", icon: "<b>B</b>", title: text.bold, result: function () { exec("bold"); } },
      { name: "italic", icon: "<i>I</i>", title: text.italic, result: function () { exec("italic"); } },
      { name: "h2", icon: "H2", title: text.h2, result: block("h2") },
      { name: "h3", icon: "H3", title: text.h3, result: block("h3") },
      { name: "quote", icon: "“ ”", title: text.quote, result: block("blockquote") },
      { name: "olist", icon: "1.", title: text.ol, result: function () { exec("insertOrderedList"); } },
      { name: "ulist", icon: "•", title: text.ul, result: function () { exec("insertUnorderedList"); } },
      {
        name: "link", icon: text.link, title: text.link, result: function () {
          var url = window.prompt(text.linkPrompt, "https://");
          if (url && /^(https?:|mailto:)/i.test(url)) exec("createLink", url);
        }
      },
      { name: "clear", icon: "T×", title: text.clear, result: function () { exec("removeFormat"); block("p")(); } }
    ];
    if (form && form.dataset.uploadUrl) {
      var picker = document.createElement("input");
      picker.type = "file";
      picker.accept = "image/jpeg,image/png,image/webp,image/gif";
      picker.hidden = true;
      holder.parentNode.insertBefore(picker, holder);
      var selection = null;
      picker.addEventListener("change", function () {
        if (!picker.files.length) return;
        upload(form, picker.files[0], status).then(function (url) {
          insertFigure(url, window.prompt(text.captionPrompt, "") || "");
        }).catch(function () {}).then(function () { picker.value = ""; });
      });
      actions.push({
        name: "image", icon: text.imageShort, title: text.image, result: function () {
          var current = window.getSelection();
          selection = current.rangeCount ? current.getRangeAt(0) : null;
          picker.click();
        }
      });
    }

    editor = window.pell.init({
      element: holder,
      onChange: function () { if (!composing) sync(); },
      defaultParagraphSeparator: "p",
      styleWithCSS: false,
      actions: actions
    });
    editor.content.innerHTML = textarea.value;
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    editor.content.setAttribute("role", "textbox");
    editor.content.setAttribute("aria-multiline", "true");
    if (label) {
      label.id = label.id || textarea.id + "_label";
      editor.content.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.content.focus(); });
    }
    // Pell wraps a bare text node in a paragraph on every input. Doing that in the middle of an
    // IME composition (拼音, 五笔) breaks the candidate window, so it waits for the composition.
    editor.content.oninput = function (event) {
      if (composing || event.isComposing) return;
      var first = editor.content.firstChild;
      if (first && first.nodeType === 3) exec("formatBlock", "<p>");
      else if (editor.content.innerHTML === "<br>") editor.content.innerHTML = "";
      sync();
    };
    editor.content.addEventListener("compositionstart", function () { composing = true; });
    editor.content.addEventListener("compositionend", function () {
      composing = false;
      sync();
    });
    editor.content.addEventListener("paste", function (event) {
      var data = event.clipboardData;
      if (!data) return;
      var html = data.getData("text/html");
      event.preventDefault();
      if (html) exec("insertHTML", cleanPaste(html));
      else exec("insertText", data.getData("text/plain"));
      sync();
    });
    textarea.hidden = true;
    if (form) form.addEventListener("submit", sync);
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("textarea[data-richtext]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  else enhanceAll();
  document.addEventListener("htmx:afterSwap", function (event) { enhanceAll(event.target); });
})();
