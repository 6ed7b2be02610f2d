// One click: the WeCom JS-SDK's sendChatMessage puts the answer into the current chat
// (inside the WeCom client, after agentConfig with the server's signature). Without the SDK
// the answer is copied for pasting.
(function () {
  var box = document.getElementById("suggestions");
  function currentChat() {
    if (box.dataset.chat || !window.wx || !wx.invoke) return;
    wx.invoke("getContext", {}, function (ctx) {
      var call = ctx.entry === "single_chat_tools" ? "getCurExternalContact" : "getCurExternalChat";
      wx.invoke(call, {}, function (res) {
        var id = res.chatId || res.userId;
        if (id) location.search = "?chat_id=" + encodeURIComponent(id);
      });
    });
  }
  function markSent(form) {
    var flag = form.querySelector("input[name=status][value=sent]");
    flag.disabled = false;
    form.querySelector("button[value=dismissed]").disabled = true;
    form.submit();
  }
  box.addEventListener("click", function (event) {
    var button = event.target.closest("button.send");
    if (!button) return;
    var form = button.form, text = button.dataset.answer;
    if (window.wx && wx.invoke) {
      wx.invoke("sendChatMessage", {msgtype: "text", enterChat: true, text: {content: text}}, function (res) {
        if (res.err_msg === "sendChatMessage:ok") markSent(form);
      });
    } else if (navigator.clipboard) {
      navigator.clipboard.writeText(text).then(function () { markSent(form); });
    }
  });
  var config = JSON.parse(document.getElementById("agent-config").textContent || "null");
  if (config && window.wx && wx.agentConfig) {
    config.success = currentChat;
    wx.agentConfig(config);
  }
})();
